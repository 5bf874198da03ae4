/**
 * The control bar: seek slider, play/pause, time and wall clock, volume, speed, captions, layout, quality,
 * picture-in-picture and fullscreen. Stateless: the player passes state and callbacks.
 */
import type { ReactElement } from 'react';
import { formatClockSec, formatWallClock } from '../shared/format';
import { Icon } from '../shared/icons';
import { Menu, type MenuItem } from '../shared/menu';
import { PLAYBACK_RATES } from './keyboard';
import type { QualityLevel } from './media-engine';
import { ScrubBar, type ScrubBarProps } from './scrub-bar';

export type LayoutChoice = 'composed' | 'grid' | 'speaker' | 'pip';

export type ControlBarProps = {
  scrub: ScrubBarProps;
  paused: boolean;
  wallClock: Date | null;
  volume: number;
  muted: boolean;
  playbackRate: number;
  captionsOn: boolean;
  hasCaptions: boolean;
  layout: LayoutChoice;
  layouts: readonly MenuItem<LayoutChoice>[];
  levels: readonly QualityLevel[];
  currentLevel: number;
  autoLevel: boolean;
  fullscreen: boolean;
  pictureInPicture: boolean;
  onTogglePlay: () => void;
  onVolume: (volume: number) => void;
  onToggleMute: () => void;
  onRate: (rate: number) => void;
  onToggleCaptions: () => void;
  onLayout: (layout: LayoutChoice) => void;
  onLevel: (index: number) => void;
  onTogglePictureInPicture: () => void;
  onToggleFullscreen: () => void;
};

const rateItems: MenuItem<number>[] = PLAYBACK_RATES.map((rate) => ({ value: rate, label: rate === 1 ? 'Normal' : `${rate}×` }));

export const ControlBar = (props: ControlBarProps): ReactElement => {
  const { scrub, paused, wallClock, volume, muted, playbackRate, levels, currentLevel, autoLevel } = props;
  const current = levels[currentLevel];
  const qualityItems: MenuItem<number>[] = [
    { value: -1, label: 'Auto', ...(autoLevel && current !== undefined ? { detail: current.label } : {}) },
    ...[...levels].sort((a, b) => b.height - a.height).map((level) => ({ value: level.index, label: level.label })),
  ];
  return (
    <div className="controls" role="group" aria-label="Player controls">
      <ScrubBar {...scrub} />
      <div className="controls-row">
        <button type="button" className="icon-button" onClick={props.onTogglePlay} aria-label={paused ? 'Play' : 'Pause'} title={paused ? 'Play (k)' : 'Pause (k)'}>
          <Icon name={paused ? 'play' : 'pause'} size={22} />
        </button>
        <div className="volume">
          <button type="button" className="icon-button" onClick={props.onToggleMute} aria-label={muted ? 'Unmute' : 'Mute'} aria-pressed={muted} title="Mute (m)">
            <Icon name={muted || volume === 0 ? 'muted' : 'volume'} />
          </button>
          <input type="range" className="volume-slider hide-narrow" min={0} max={1} step={0.05} value={muted ? 0 : volume} aria-label="Volume" onChange={(event) => props.onVolume(Number(event.target.value))} />
        </div>
        <div className="time" aria-live="off">
          <span className="time-media">
            {formatClockSec(scrub.currentTimeSec)} / {formatClockSec(scrub.durationSec)}
          </span>
          {wallClock !== null && (
            <span className="time-wall" title="Wall-clock time at the playhead" data-epoch-ms={wallClock.getTime()}>
              {formatWallClock(wallClock)}
            </span>
          )}
        </div>
        <div className="controls-spacer" />
        <Menu label="Playback speed" title="Speed (< >)" button={<span className="rate-label">{playbackRate === 1 ? '1×' : `${playbackRate}×`}</span>} items={rateItems} value={playbackRate} onSelect={props.onRate} />
        {props.hasCaptions && (
          <button type="button" className="icon-button" aria-pressed={props.captionsOn} onClick={props.onToggleCaptions} aria-label="Captions" title="Captions (c)">
            <Icon name="captions" />
          </button>
        )}
        <Menu label="Layout" button={<Icon name="layout" />} items={props.layouts} value={props.layout} onSelect={props.onLayout} />
        {levels.length > 1 && <Menu label="Quality" button={<Icon name="settings" />} items={qualityItems} value={autoLevel ? -1 : currentLevel} onSelect={props.onLevel} className="menu-quality" />}
        {document.pictureInPictureEnabled && (
          <button type="button" className="icon-button hide-narrow" aria-pressed={props.pictureInPicture} onClick={props.onTogglePictureInPicture} aria-label="Picture in picture" title="Picture in picture (p)">
            <Icon name="pip" />
          </button>
        )}
        <button type="button" className="icon-button" aria-pressed={props.fullscreen} onClick={props.onToggleFullscreen} aria-label={props.fullscreen ? 'Exit fullscreen' : 'Fullscreen'} title="Fullscreen (f)">
          <Icon name={props.fullscreen ? 'exitFullscreen' : 'fullscreen'} />
        </button>
      </div>
    </div>
  );
};
