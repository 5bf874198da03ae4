/**
 * The replay: one <video> (composed ladder, or the mosaic under the stage canvas), the control bar, the
 * participants' lanes and panel. State lives here; hooks do the work (engine, stage, audio, captions), and
 * components render.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { SessionDetail } from '../api/types';
import { setTestHooks } from '../shared/test-hooks';
import { useStableValue } from '../shared/use-stable-value';
import { isWithin } from '../stage/activity';
import { DEFAULT_VOICE, type VoiceSettings } from '../stage/mix';
import type { StageOptions } from '../stage/stage-renderer';
import { useAudioMix } from '../stage/use-audio-mix';
import { useStage } from '../stage/use-stage';
import { ActivityLanes } from './activity-lanes';
import { ControlBar, type LayoutChoice } from './control-bar';
import { stepRate, type KeyAction } from './keyboard';
import { ParticipantsPanel, type AudioControlState } from './participants-panel';
import { CaptionOverlay, CenterPlay, PlaybackError, Spinner } from './player-overlays';
import { withFreshSignature } from './signed-media';
import { activeCaptions, useCaptions } from './use-captions';
import { useFullscreen, usePictureInPicture } from './use-display-modes';
import { useIdle } from './use-idle';
import { useMediaEngine, type MediaSignature } from './use-media-engine';
import { useMediaState } from './use-media-state';
import { usePlayerKeys } from './use-player-keys';
import { useViewParticipants } from './use-stage-participants';
import { useThumbnails } from './use-thumbnails';

export type PlayerProps = {
  session: SessionDetail;
  startSec: number;
  refreshSession: () => Promise<SessionDetail | null>;
  /** The player reports its time for the share link. */
  onTimeChange?: (timeSec: number) => void;
};

const LAYOUT_ITEMS = [
  { value: 'grid' as const, label: 'Grid', detail: 'stage' },
  { value: 'speaker' as const, label: 'Speaker', detail: 'stage' },
  { value: 'pip' as const, label: 'Picture in picture', detail: 'stage' },
  { value: 'composed' as const, label: 'Composed video', detail: 'server' },
];

export const Player = ({ session, startSec, refreshSession, onTimeChange }: PlayerProps): ReactElement => {
  const media = session.media!;
  const tileMap = useStableValue(media.tileMap);
  const hasStage = media.mosaic !== null && tileMap !== null && tileMap.tiles.length > 0;
  const participants = useViewParticipants(useStableValue(session.participants), tileMap);
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [canvas, setCanvas] = useState<HTMLCanvasElement | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const [layout, setLayout] = useState<LayoutChoice>(hasStage ? 'grid' : 'composed');
  const stageOn = hasStage && layout !== 'composed';
  const [pinnedId, setPinnedId] = useState<string | null>(null);
  const [hiddenIds, setHiddenIds] = useState<ReadonlySet<string>>(new Set());
  const [voices, setVoices] = useState<Record<string, VoiceSettings>>(() => Object.fromEntries(participants.map((participant) => [participant.id, DEFAULT_VOICE])));
  const [volume, setVolume] = useState(1);
  const [muted, setMuted] = useState(false);
  const [captionsOn, setCaptionsOn] = useState(true);
  const sessionStartMs = session.originUs / 1000;

  const src = stageOn ? media.mosaic : (media.master ?? media.mosaic);
  const sampleUrl = media.master ?? media.mosaic ?? '';
  const signature = useMemo(() => ({ sampleUrl, expiresAtMs: Date.parse(media.expiresAt) }), [sampleUrl, media.expiresAt]);
  const refreshSignature = useCallback(
    async (): Promise<MediaSignature | null> => {
      const fresh = await refreshSession();
      const freshMedia = fresh?.media ?? null;
      const freshSample = freshMedia?.master ?? freshMedia?.mosaic ?? null;
      return freshMedia === null || freshSample === null ? null : { sampleUrl: freshSample, expiresAtMs: Date.parse(freshMedia.expiresAt) };
    },
    [refreshSession],
  );
  // Keep the signatures fresh ahead of their expiry (hls.js requests are re-signed anyway; this is for the
  // sprite sheets and the download link, plain loads that cannot be rewritten on the way).
  useEffect(() => {
    const delayMs = Math.max(5_000, signature.expiresAtMs - Date.now() - 60_000);
    const timer = window.setTimeout(() => void refreshSession(), delayMs);
    return () => window.clearTimeout(timer);
  }, [signature.expiresAtMs, refreshSession]);
  const freshUrl = useCallback((url: string) => withFreshSignature(url, sampleUrl), [sampleUrl]);
  const engine = useMediaEngine(video, { src, startSec, signature, refreshSignature });
  const state = useMediaState(video);

  // Media time 0 on the wall clock: the playlist's EXT-X-PROGRAM-DATE-TIME, else the session's start.
  const [pdtAtZeroMs, setPdtAtZeroMs] = useState<number | null>(null);
  useEffect(() => {
    if (video === null || engine.engine === null) {
      return undefined;
    }
    const read = () => setPdtAtZeroMs(engine.engine?.programDateAtZeroMs ?? null);
    video.addEventListener('loadeddata', read);
    video.addEventListener('playing', read);
    return () => {
      video.removeEventListener('loadeddata', read);
      video.removeEventListener('playing', read);
    };
  }, [video, engine.engine]);
  const zeroMs = pdtAtZeroMs ?? sessionStartMs;
  const sessionOffsetMs = zeroMs - sessionStartMs;
  const wallClockAt = useCallback((timeSec: number) => new Date(zeroMs + timeSec * 1000), [zeroMs]);
  const sessionMs = state.currentTimeSec * 1000 + sessionOffsetMs;

  const stageOptions = useMemo<StageOptions | null>(
    () =>
      stageOn && tileMap !== null
        ? { kind: layout, pinnedId, hiddenIds, participants, tileMap, sessionOffsetMs }
        : null,
    [stageOn, tileMap, layout, pinnedId, hiddenIds, participants, sessionOffsetMs],
  );
  useStage(video, canvas, stageOptions);
  const graph = useAudioMix(video, { tileMap: stageOn ? tileMap : null, voices, volume, muted });
  const audioControl: AudioControlState = !stageOn ? 'composed' : tileMap?.audio === 'mix' ? 'mix' : 'per-participant';

  const captionSources = useMemo(
    () => media.captions.map((caption) => ({ ...caption, label: participants.find((participant) => participant.id === caption.participantId)?.label ?? caption.participantId })),
    [media.captions, participants],
  );
  const captions = useCaptions(video, captionSources, sessionStartMs);
  const labels = useMemo(() => new Map(participants.map((participant) => [participant.id, participant.label])), [participants]);
  const thumbnails = useThumbnails(media.thumbnails);
  const fullscreen = useFullscreen(box);
  const pip = usePictureInPicture(video, stageOn ? canvas : null);
  const idle = useIdle(box, !state.paused);

  useEffect(() => {
    setTestHooks({ video, engine: engine.engine, mode: stageOn ? 'stage' : 'composed', layout, tileMap });
  }, [video, engine.engine, stageOn, layout, tileMap]);
  useEffect(() => onTimeChange?.(state.currentTimeSec), [onTimeChange, state.currentTimeSec]);

  const togglePlay = useCallback(() => {
    if (video === null) {
      return;
    }
    if (video.paused || video.ended) {
      void graph?.resume();
      void video.play().catch(() => undefined);
    } else {
      video.pause();
    }
  }, [video, graph]);
  const seek = useCallback(
    (timeSec: number) => {
      if (video !== null && state.durationSec > 0) {
        video.currentTime = Math.min(Math.max(0, timeSec), Math.max(0, state.durationSec - 0.05));
      }
    },
    [video, state.durationSec],
  );
  const setRate = (rate: number) => {
    if (video !== null) {
      video.playbackRate = rate;
    }
  };

  usePlayerKeys((action: KeyAction) => {
    switch (action.type) {
      case 'toggle-play':
        return togglePlay();
      case 'seek-by':
        return seek((video?.currentTime ?? 0) + action.deltaSec);
      case 'seek-to-fraction':
        return seek(action.fraction * state.durationSec);
      case 'volume-by':
        setMuted(false);
        return setVolume((previous) => Math.min(1, Math.max(0, previous + action.delta)));
      case 'toggle-mute':
        return setMuted((previous) => !previous);
      case 'toggle-fullscreen':
        return fullscreen.toggle();
      case 'toggle-captions':
        return setCaptionsOn((previous) => !previous);
      case 'toggle-pip':
        return void pip.toggle();
      case 'rate-step':
        return setRate(stepRate(state.playbackRate, action.direction));
      case 'frame-step':
        if (video !== null && video.paused) {
          seek(video.currentTime + action.direction / 30);
        }
        return undefined;
    }
  });

  const downloadsByParticipant: Record<string, string[]> = {};
  for (const file of media.participants) {
    (downloadsByParticipant[file.participantId] ??= []).push(file.url);
  }
  const panelParticipants = participants.map((participant) => ({
    id: participant.id,
    label: participant.label,
    color: participant.color,
    present: isWithin(participant.presence, sessionMs),
    speaking: isWithin(participant.speaking, sessionMs),
  }));
  const shownCaptions = captionsOn ? activeCaptions(captions, sessionMs / 1000) : [];
  const busy = engine.error === null && (!state.canPlay || state.waiting || state.seeking) && src !== null;

  return (
    <div className="player-layout">
      <div className="player-main">
        <div ref={box} className={`player${stageOn ? ' is-stage' : ''}${idle ? ' is-idle' : ''}`} data-testid="player">
          <div className="player-media" onClick={togglePlay} onDoubleClick={fullscreen.toggle}>
            <video ref={setVideo} className="player-video" playsInline preload="auto" aria-label={stageOn ? 'Mosaic of all participants (drawn on the stage)' : 'Meeting video'} />
            {stageOn && <canvas ref={setCanvas} className="stage-canvas" role="img" aria-label={`Stage: ${layout} layout`} />}
            {captionsOn && <CaptionOverlay cues={shownCaptions} labels={labels} />}
            {state.paused && !busy && engine.error === null && <CenterPlay onPlay={togglePlay} />}
            {busy && <Spinner label="Loading video" />}
          </div>
          {engine.error !== null && <PlaybackError message={engine.error.message} onRetry={engine.retry} />}
          <ControlBar
            scrub={{ currentTimeSec: state.currentTimeSec, durationSec: state.durationSec, buffered: state.buffered, thumbnails, wallClockAt, freshUrl, onSeek: seek }}
            paused={state.paused}
            wallClock={state.durationSec > 0 ? wallClockAt(state.currentTimeSec) : null}
            volume={volume}
            muted={muted}
            playbackRate={state.playbackRate}
            captionsOn={captionsOn}
            hasCaptions={captions.length > 0}
            layout={stageOn ? layout : 'composed'}
            layouts={hasStage ? LAYOUT_ITEMS : LAYOUT_ITEMS.filter((item) => item.value === 'composed')}
            levels={engine.levels}
            currentLevel={engine.currentLevel}
            autoLevel={engine.autoLevel}
            fullscreen={fullscreen.fullscreen}
            pictureInPicture={pip.active}
            onTogglePlay={togglePlay}
            onVolume={(next) => {
              setVolume(next);
              setMuted(next === 0);
            }}
            onToggleMute={() => setMuted((previous) => !previous)}
            onRate={setRate}
            onToggleCaptions={() => setCaptionsOn((previous) => !previous)}
            onLayout={setLayout}
            onLevel={engine.setLevel}
            onTogglePictureInPicture={() => void pip.toggle()}
            onToggleFullscreen={fullscreen.toggle}
          />
        </div>
        <ActivityLanes participants={participants} captions={captions} durationSec={state.durationSec || session.durationMs / 1000} sessionOffsetMs={sessionOffsetMs} currentTimeSec={state.currentTimeSec} onSeek={seek} />
      </div>
      <ParticipantsPanel
        participants={panelParticipants}
        voices={voices}
        audio={audioControl}
        stage={stageOn}
        pinnedId={pinnedId}
        hiddenIds={hiddenIds}
        downloads={downloadsByParticipant}
        onVoice={(id, change) => setVoices((previous) => ({ ...previous, [id]: { ...(previous[id] ?? DEFAULT_VOICE), ...change } }))}
        onPin={(id) => {
          setPinnedId(id);
          if (id !== null && layout === 'grid') {
            setLayout('speaker');
          }
        }}
        onHide={(id, hidden) =>
          setHiddenIds((previous) => {
            const next = new Set(previous);
            if (hidden) {
              next.add(id);
            } else {
              next.delete(id);
            }
            return next;
          })
        }
      />
    </div>
  );
};
