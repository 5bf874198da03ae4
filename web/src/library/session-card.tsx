/** One session in the library: poster, room, date, duration, participants, state (live progress), delete. */
import type { ReactElement } from 'react';
import type { SessionSummary } from '../api/types';
import { formatDateTime, formatDurationMs, participantLabel } from '../shared/format';
import { Icon } from '../shared/icons';
import { onLinkClick, replayPath } from '../shared/routing';

const STATE_LABELS: Record<SessionSummary['state'], string> = { pending: 'Pending', processing: 'Processing', ready: 'Ready', failed: 'Failed' };

export const SessionCard = ({ session, onDelete }: { session: SessionSummary; onDelete: (session: SessionSummary) => void }): ReactElement => {
  const title = session.title ?? `Room ${session.room}`;
  const names = session.participants.map(participantLabel);
  const progress = session.job !== null && session.state !== 'ready' ? Math.round(session.job.progress * 100) : null;
  const path = replayPath(session.id);
  return (
    <li className="session-card" data-session-id={session.id}>
      <a href={path} onClick={onLinkClick(path)} className="session-link" aria-label={`Open ${title}, ${formatDateTime(session.startedAt)}`}>
        <div className="session-poster">
          {session.posterUrl !== null ? <img src={session.posterUrl} alt="" loading="lazy" /> : <div className="session-poster-empty" aria-hidden="true" />}
          <span className="session-duration">{formatDurationMs(session.durationMs)}</span>
          {session.state !== 'ready' && <span className={`badge is-${session.state}`}>{STATE_LABELS[session.state]}</span>}
        </div>
        <div className="session-body">
          <h2 className="session-title">{title}</h2>
          <p className="session-meta">
            <time dateTime={session.startedAt}>{formatDateTime(session.startedAt)}</time> · {session.plugin}
          </p>
          <p className="session-people" title={names.join(', ')}>
            {session.participants.length} {session.participants.length === 1 ? 'participant' : 'participants'}: {names.slice(0, 3).join(', ')}
            {names.length > 3 ? ` +${names.length - 3}` : ''}
          </p>
          {progress !== null && (
            <div className="progress" role="progressbar" aria-label={`${session.job?.kind ?? 'Job'} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress}>
              <div className="progress-bar" style={{ width: `${progress}%` }} />
            </div>
          )}
          {session.state === 'failed' && session.error !== null && <p className="session-error">{session.error}</p>}
        </div>
      </a>
      <button type="button" className="icon-button session-delete" onClick={() => onDelete(session)} aria-label={`Delete ${title}, ${formatDateTime(session.startedAt)}`} title="Delete">
        <Icon name="trash" size={18} />
      </button>
    </li>
  );
};
