/** What sits over the picture: captions, the big play button, the spinner, and playback errors. */
import type { ReactElement } from 'react';
import { Icon } from '../shared/icons';
import type { CaptionCue } from './captions';

export const CaptionOverlay = ({ cues, labels }: { cues: readonly CaptionCue[]; labels: ReadonlyMap<string, string> }): ReactElement | null =>
  cues.length === 0 ? null : (
    <div className="caption-overlay" aria-live="polite" data-testid="captions">
      {cues.map((cue) => (
        <p key={`${cue.participantId}-${cue.startSec}`} className="caption-line">
          <strong>{labels.get(cue.participantId) ?? cue.participantId}</strong> {cue.text}
        </p>
      ))}
    </div>
  );

export const CenterPlay = ({ onPlay }: { onPlay: () => void }): ReactElement => (
  <button
    type="button"
    className="center-play"
    onClick={(event) => {
      event.stopPropagation();
      onPlay();
    }}
    aria-label="Play"
  >
    <Icon name="play" size={36} />
  </button>
);

export const Spinner = ({ label }: { label: string }): ReactElement => (
  <div className="spinner-wrap" role="status">
    <div className="spinner" aria-hidden="true" />
    <span className="visually-hidden">{label}</span>
  </div>
);

export const PlaybackError = ({ message, onRetry }: { message: string; onRetry: () => void }): ReactElement => (
  <div className="playback-error" role="alert">
    <p>{message}</p>
    <button type="button" className="button" onClick={onRetry}>
      <Icon name="retry" size={18} /> Retry
    </button>
  </div>
);
