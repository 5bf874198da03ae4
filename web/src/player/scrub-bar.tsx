/**
 * The seek slider: played and buffered ranges, a hover (or drag) preview from the thumbnail sprites with the
 * media time and the wall-clock time, click and drag to seek. Arrow keys come from the page's shortcuts
 * (←/→ 5 s), so the slider only announces itself (role="slider").
 */
import { useRef, useState, type PointerEvent, type ReactElement } from 'react';
import { formatClockSec, formatWallClock } from '../shared/format';
import { thumbnailAt, type ThumbnailCue } from './thumbnails';
import type { TimeRangeSec } from './use-media-state';

export type ScrubBarProps = {
  currentTimeSec: number;
  durationSec: number;
  buffered: readonly TimeRangeSec[];
  thumbnails: readonly ThumbnailCue[];
  /** Media time → wall clock (null when unknown). */
  wallClockAt: (timeSec: number) => Date | null;
  /** Re-signs a sprite URL before it is shown. */
  freshUrl: (url: string) => string;
  onSeek: (timeSec: number) => void;
};

/** Half the preview's width keeps it inside the bar at both ends (sprites are 160 px wide). */
const PREVIEW_WIDTH_PX = 160;

const percent = (value: number): string => `${(value * 100).toFixed(3)}%`;

export const ScrubBar = (props: ScrubBarProps): ReactElement => {
  const { currentTimeSec, durationSec, buffered, thumbnails, wallClockAt, freshUrl, onSeek } = props;
  const track = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ fraction: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const safeDuration = durationSec > 0 ? durationSec : 1;

  const fractionAt = (clientX: number): number => {
    const box = track.current?.getBoundingClientRect();
    if (box === undefined || box.width === 0) {
      return 0;
    }
    return Math.min(1, Math.max(0, (clientX - box.left) / box.width));
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || durationSec <= 0) {
      return;
    }
    event.currentTarget.setPointerCapture(event.pointerId);
    setDragging(true);
    const fraction = fractionAt(event.clientX);
    setHover({ fraction });
    onSeek(fraction * durationSec);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const fraction = fractionAt(event.clientX);
    setHover({ fraction });
    if (dragging) {
      onSeek(fraction * durationSec);
    }
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (dragging) {
      event.currentTarget.releasePointerCapture(event.pointerId);
      setDragging(false);
    }
  };

  const previewSec = hover === null ? null : hover.fraction * durationSec;
  const cue = previewSec === null ? null : thumbnailAt(thumbnails, previewSec);
  const previewWall = previewSec === null ? null : wallClockAt(previewSec);
  const played = Math.min(1, currentTimeSec / safeDuration);

  return (
    <div className="scrub">
      <div
        ref={track}
        className={`scrub-track${dragging ? ' is-dragging' : ''}`}
        role="slider"
        tabIndex={0}
        aria-label="Seek"
        aria-valuemin={0}
        aria-valuemax={Math.round(durationSec)}
        aria-valuenow={Math.round(currentTimeSec)}
        aria-valuetext={`${formatClockSec(currentTimeSec)} of ${formatClockSec(durationSec)}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onPointerLeave={() => {
          if (!dragging) {
            setHover(null);
          }
        }}
      >
        <div className="scrub-rail">
          {buffered.map((range) => (
            <div
              key={`${range.startSec}`}
              className="scrub-buffered"
              style={{ left: percent(range.startSec / safeDuration), width: percent((range.endSec - range.startSec) / safeDuration) }}
            />
          ))}
          <div className="scrub-played" style={{ width: percent(played) }} />
        </div>
        <div className="scrub-thumb" style={{ left: percent(played) }} />
      </div>
      {hover !== null && previewSec !== null && (
        <div className="scrub-preview" style={{ left: `clamp(${PREVIEW_WIDTH_PX / 2}px, ${percent(hover.fraction)}, calc(100% - ${PREVIEW_WIDTH_PX / 2}px))` }} aria-hidden="true">
          {cue !== null && (
            <div
              className="scrub-preview-image"
              style={{ width: cue.width, height: cue.height, backgroundImage: `url("${freshUrl(cue.imageUrl)}")`, backgroundPosition: `-${cue.x}px -${cue.y}px` }}
            />
          )}
          <div className="scrub-preview-time">
            {formatClockSec(previewSec)}
            {previewWall !== null && <span> · {formatWallClock(previewWall)}</span>}
          </div>
        </div>
      )}
    </div>
  );
};
