/**
 * `/sessions/:id`: loads the session and shows the replay, or why it cannot yet: still processing (live
 * progress; plays the growing EVENT playlist as soon as `media.master` exists), failed, not found, offline.
 */
import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import type { ApiClient } from '../api/client';
import type { JobSummary, SessionDetail } from '../api/types';
import { formatDateTime, formatDurationMs } from '../shared/format';
import { Icon } from '../shared/icons';
import { onLinkClick, replayPath } from '../shared/routing';
import { Player } from './player';
import { useSession } from './use-session';

export type ReplayPageProps = { client: ApiClient; sessionId: string; startSec: number | null; onUnauthorized: () => void };

const sessionTitle = (session: SessionDetail): string => session.title ?? `Room ${session.room}`;

const currentJob = (session: SessionDetail, live: JobSummary | null): JobSummary | null =>
  live ?? session.jobs.find((job) => job.state === 'running' || job.state === 'queued' || job.state === 'created') ?? null;

const Processing = ({ session, job }: { session: SessionDetail; job: JobSummary | null }): ReactElement => {
  const progress = job === null ? null : Math.round(job.progress * 100);
  return (
    <div className="state-card" role="status">
      <h2>Still processing</h2>
      <p>{job === null ? 'Waiting for a worker…' : `${job.kind}: ${job.state}${progress === null ? '' : `, ${progress}%`}`}</p>
      <div className="progress" role="progressbar" aria-label="Processing progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress ?? 0}>
        <div className="progress-bar" style={{ width: `${progress ?? 0}%` }} />
      </div>
      <p className="muted">The replay starts here by itself as soon as the first segments exist ({session.participants.length} participants).</p>
    </div>
  );
};

export const ReplayPage = ({ client, sessionId, startSec, onUnauthorized }: ReplayPageProps): ReactElement => {
  const { load, refresh, liveJob } = useSession(client, sessionId);
  const timeRef = useRef(0);
  const [copied, setCopied] = useState<string | null>(null);
  const onTimeChange = useCallback((timeSec: number) => {
    timeRef.current = timeSec;
  }, []);

  const share = () => {
    const url = `${window.location.origin}${replayPath(sessionId, timeRef.current)}`;
    const done = () => {
      setCopied(url);
      window.setTimeout(() => setCopied(null), 4000);
    };
    if (typeof navigator.clipboard?.writeText === 'function') {
      void navigator.clipboard.writeText(url).then(done, done);
    } else {
      done();
    }
  };

  const unauthorized = load.status === 'error' && load.error.code === 'API_UNAUTHORIZED';
  useEffect(() => {
    if (unauthorized) {
      onUnauthorized();
    }
  }, [unauthorized, onUnauthorized]);
  const session = load.status === 'ready' ? load.session : null;
  const playable = session?.media !== null && session?.media !== undefined && (session.media.master !== null || session.media.mosaic !== null);

  return (
    <main className="page replay-page">
      <header className="replay-header">
        <a href="/" className="icon-button back-link" onClick={onLinkClick('/')} aria-label="Back to the library">
          <Icon name="back" />
        </a>
        <div className="replay-title">
          <h1>{session === null ? 'Replay' : sessionTitle(session)}</h1>
          {session !== null && (
            <p className="muted">
              {formatDateTime(session.startedAt)} · {formatDurationMs(session.durationMs)} · {session.participants.length} participants
            </p>
          )}
        </div>
        {playable && (
          <div className="replay-actions">
            <button type="button" className="button" onClick={share} aria-label="Copy a link to this moment">
              <Icon name="share" size={18} /> <span className="hide-narrow">Share moment</span>
            </button>
            {session.media?.download !== null && session.media?.download !== undefined && (
              <a className="button hide-narrow" href={session.media.download} download>
                Download MP4
              </a>
            )}
          </div>
        )}
      </header>
      {copied !== null && (
        <p className="toast" role="status">
          Link copied: <code>{copied}</code>
        </p>
      )}
      {load.status === 'loading' && <div className="state-card" role="status">Loading…</div>}
      {load.status === 'error' && (
        <div className="state-card" role="alert">
          <h2>{load.error.status === 404 ? 'Session not found' : 'Cannot load this session'}</h2>
          <p>{load.error.message}</p>
          {load.error.status !== 404 && (
            <button type="button" className="button" onClick={() => void refresh()}>
              <Icon name="retry" size={18} /> Retry
            </button>
          )}
        </div>
      )}
      {session !== null && session.state === 'failed' && !playable && (
        <div className="state-card" role="alert">
          <h2>Processing failed</h2>
          <p>{session.error ?? 'The recording could not be processed.'}</p>
          <button type="button" className="button" onClick={() => void client.startJobs(session.id).then(() => refresh())}>
            <Icon name="retry" size={18} /> Process again
          </button>
        </div>
      )}
      {session !== null && session.state !== 'failed' && !playable && <Processing session={session} job={currentJob(session, liveJob)} />}
      {session !== null && playable && (
        <>
          {session.media?.state === 'processing' && (
            <p className="notice" role="status">
              Still processing: playing what is ready so far{liveJob === null ? '' : ` (${Math.round(liveJob.progress * 100)}%)`}.
            </p>
          )}
          <Player session={session} startSec={startSec ?? 0} refreshSession={refresh} onTimeChange={onTimeChange} />
        </>
      )}
    </main>
  );
};
