/**
 * Each participant: on camera or not, and in stage mode mute / solo / volume (Web Audio, per voice channel),
 * pin (the large tile) and hide. Where the mosaic carries a mix (over 8 voices) or the composed ladder plays,
 * the panel says why the audio controls are off.
 */
import type { ReactElement } from 'react';
import { Icon } from '../shared/icons';
import type { VoiceSettings } from '../stage/mix';

export type PanelParticipant = { id: string; label: string; color: string; present: boolean; speaking: boolean };

export type AudioControlState = 'per-participant' | 'mix' | 'composed';

export type ParticipantsPanelProps = {
  participants: readonly PanelParticipant[];
  voices: Readonly<Record<string, VoiceSettings>>;
  audio: AudioControlState;
  stage: boolean;
  pinnedId: string | null;
  hiddenIds: ReadonlySet<string>;
  onVoice: (participantId: string, change: Partial<VoiceSettings>) => void;
  onPin: (participantId: string | null) => void;
  onHide: (participantId: string, hidden: boolean) => void;
  /** Each participant's own recordings (audio and video merged, as converted by the server), by participant. */
  downloads?: Readonly<Record<string, readonly string[]>>;
};

const NOTICES: Record<AudioControlState, string | null> = {
  'per-participant': null,
  mix: 'More than 8 voices: this recording carries one mixed audio track, so voices cannot be muted separately.',
  composed: 'The composed video has one mixed audio track. Switch to a stage layout to mute, solo or pin participants.',
};

export const ParticipantsPanel = (props: ParticipantsPanelProps): ReactElement => {
  const { participants, voices, audio, stage, pinnedId, hiddenIds, onVoice, onPin, onHide, downloads = {} } = props;
  const audioEnabled = audio === 'per-participant';
  const notice = NOTICES[audio];
  return (
    <section className="panel participants" aria-label="Participants">
      <h2 className="panel-title">Participants</h2>
      {notice !== null && (
        <p className="notice" role="note">
          {notice}
        </p>
      )}
      <ul className="participant-list">
        {participants.map((participant) => {
          const voice = voices[participant.id] ?? { volume: 1, muted: false, solo: false };
          const hidden = hiddenIds.has(participant.id);
          const pinned = pinnedId === participant.id;
          return (
            <li key={participant.id} className={`participant${participant.present ? '' : ' is-away'}`}>
              <div className="participant-head">
                <span className={`participant-dot${participant.speaking ? ' is-speaking' : ''}`} style={{ background: participant.color }} aria-hidden="true" />
                <span className="participant-names">
                  <span className="participant-name">{participant.label}</span>
                  <span className="participant-state">{participant.present ? (participant.speaking ? 'speaking' : 'on camera') : 'not here'}</span>
                </span>
                <button type="button" className="chip icon-only" aria-pressed={pinned} disabled={!stage} onClick={() => onPin(pinned ? null : participant.id)} aria-label={`Pin ${participant.label}`} title="Pin">
                  <Icon name="pin" size={16} />
                </button>
                <button type="button" className="chip icon-only" aria-pressed={hidden} disabled={!stage} onClick={() => onHide(participant.id, !hidden)} aria-label={`Hide ${participant.label}`} title={hidden ? 'Show' : 'Hide'}>
                  <Icon name={hidden ? 'hide' : 'show'} size={16} />
                </button>
                {(downloads[participant.id] ?? []).map((url, index, all) => (
                  <a key={url} className="chip icon-only participant-download" href={url} download aria-label={`Download the recording of ${participant.label}${all.length > 1 ? ` (${index + 1} of ${all.length})` : ''}`} title="Download this participant's recording">
                    ↓
                  </a>
                ))}
              </div>
              <div className="participant-controls">
                <button type="button" className="chip" aria-pressed={voice.muted} disabled={!audioEnabled} onClick={() => onVoice(participant.id, { muted: !voice.muted })} aria-label={`Mute ${participant.label}`}>
                  <Icon name={voice.muted ? 'muted' : 'volume'} size={16} />
                  <span>Mute</span>
                </button>
                <button type="button" className="chip" aria-pressed={voice.solo} disabled={!audioEnabled} onClick={() => onVoice(participant.id, { solo: !voice.solo })} aria-label={`Solo ${participant.label}`}>
                  <Icon name="headphones" size={16} />
                  <span>Solo</span>
                </button>
                <input
                  type="range"
                  className="participant-volume"
                  min={0}
                  max={1}
                  step={0.05}
                  value={voice.volume}
                  disabled={!audioEnabled}
                  aria-label={`Volume of ${participant.label}`}
                  onChange={(event) => onVoice(participant.id, { volume: Number(event.target.value) })}
                />
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
};
