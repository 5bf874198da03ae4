/**
 * The session at a glance, under the player: one lane per participant (presence bars, speaking inside them,
 * join and leave markers) and a chat lane with the captions' messages, on the same scale as the media, with the
 * playhead across. A click on a lane seeks there.
 */
import { memo, type MouseEvent, type ReactElement } from 'react';
import { formatClockSec } from '../shared/format';
import type { IntervalMs } from '../api/types';
import type { CaptionCue } from './captions';

export type LaneParticipant = { id: string; label: string; shortLabel: string; color: string; presence: readonly IntervalMs[]; speaking: readonly IntervalMs[] };

export type ActivityLanesProps = {
  participants: readonly LaneParticipant[];
  /** On the session timeline (seconds from its start). */
  captions: readonly CaptionCue[];
  durationSec: number;
  /** Session ms at media time 0. */
  sessionOffsetMs: number;
  currentTimeSec: number;
  onSeek: (timeSec: number) => void;
};

const pct = (value: number): string => `${(Math.min(1, Math.max(0, value)) * 100).toFixed(3)}%`;

const Lanes = memo(function Lanes({ participants, captions, durationSec, sessionOffsetMs, onSeek }: Omit<ActivityLanesProps, 'currentTimeSec'>): ReactElement {
  const durationMs = Math.max(1, durationSec * 1000);
  // Session ms → fraction of the media timeline.
  const at = (sessionMs: number) => (sessionMs - sessionOffsetMs) / durationMs;
  const seekFromClick = (event: MouseEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    onSeek(((event.clientX - box.left) / box.width) * durationSec);
  };
  const labels = new Map(participants.map((participant) => [participant.id, participant.label]));
  return (
    <>
      {participants.map((participant) => (
        <div className="lane" key={participant.id}>
          <div className="lane-label" title={participant.label}>
            <span className="lane-dot" style={{ background: participant.color }} aria-hidden="true" />
            <span className="lane-label-long">{participant.label}</span>
            <span className="lane-label-short">{participant.shortLabel}</span>
          </div>
          <div className="lane-track" onClick={seekFromClick} aria-hidden="true">
            {participant.presence.map((interval) => (
              <div key={`p${interval.startMs}`} className="lane-presence" style={{ left: pct(at(interval.startMs)), width: pct((interval.endMs - interval.startMs) / durationMs), background: `${participant.color}33`, borderColor: `${participant.color}88` }} />
            ))}
            {participant.speaking.map((interval) => (
              <div key={`s${interval.startMs}`} className="lane-speaking" style={{ left: pct(at(interval.startMs)), width: pct((interval.endMs - interval.startMs) / durationMs), background: participant.color }} title={`Speaking ${formatClockSec(interval.startMs / 1000)}–${formatClockSec(interval.endMs / 1000)}`} />
            ))}
            {participant.presence.flatMap((interval) => [
              <div key={`j${interval.startMs}`} className="lane-marker is-join" style={{ left: pct(at(interval.startMs)), color: participant.color }} title={`${participant.label} joined at ${formatClockSec(interval.startMs / 1000)}`} />,
              <div key={`l${interval.endMs}`} className="lane-marker is-leave" style={{ left: pct(at(interval.endMs)), color: participant.color }} title={`${participant.label} left at ${formatClockSec(interval.endMs / 1000)}`} />,
            ])}
          </div>
        </div>
      ))}
      {captions.length > 0 && (
        <div className="lane">
          <div className="lane-label">Chat</div>
          <div className="lane-track" onClick={seekFromClick} aria-hidden="true">
            {captions.map((cue) => (
              <div key={`${cue.participantId}-${cue.startSec}`} className="lane-chat" style={{ left: pct(at(cue.startSec * 1000)) }} title={`${labels.get(cue.participantId) ?? cue.participantId}: ${cue.text}`} />
            ))}
          </div>
        </div>
      )}
    </>
  );
});

export const ActivityLanes = ({ currentTimeSec, ...lanes }: ActivityLanesProps): ReactElement => (
  <section className="lanes" aria-label="Participants over time">
    <Lanes {...lanes} />
    <div className="lanes-playhead-area" aria-hidden="true">
      <div className="lanes-playhead" style={{ left: pct(currentTimeSec / Math.max(1e-3, lanes.durationSec)) }} />
    </div>
  </section>
);
