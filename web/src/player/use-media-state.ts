/**
 * The <video>'s state for React: play state, time (refreshed on animation frames, 20 times a second, while
 * playing, for a smooth playhead), buffered ranges, rate, volume. Components render it; they never read the element themselves.
 */
import { useEffect, useState } from 'react';

export type TimeRangeSec = { startSec: number; endSec: number };

export type MediaState = {
  paused: boolean;
  ended: boolean;
  waiting: boolean;
  seeking: boolean;
  currentTimeSec: number;
  durationSec: number;
  buffered: TimeRangeSec[];
  playbackRate: number;
  volume: number;
  muted: boolean;
  canPlay: boolean;
};

const INITIAL: MediaState = {
  paused: true,
  ended: false,
  waiting: false,
  seeking: false,
  currentTimeSec: 0,
  durationSec: 0,
  buffered: [],
  playbackRate: 1,
  volume: 1,
  muted: false,
  canPlay: false,
};

/** While playing, the time is re-read at most this often (smooth enough for the playhead, light on React). */
const PLAYING_REFRESH_MS = 50;

const EVENTS = ['play', 'pause', 'playing', 'waiting', 'seeking', 'seeked', 'timeupdate', 'durationchange', 'progress', 'ratechange', 'volumechange', 'ended', 'loadedmetadata', 'canplay', 'emptied'];

const readBuffered = (ranges: TimeRanges): TimeRangeSec[] =>
  Array.from({ length: ranges.length }, (_, index) => ({ startSec: ranges.start(index), endSec: ranges.end(index) }));

const snapshot = (video: HTMLVideoElement, waiting: boolean): MediaState => ({
  paused: video.paused,
  ended: video.ended,
  waiting,
  seeking: video.seeking,
  currentTimeSec: video.currentTime,
  durationSec: Number.isFinite(video.duration) ? video.duration : 0,
  buffered: readBuffered(video.buffered),
  playbackRate: video.playbackRate,
  volume: video.volume,
  muted: video.muted,
  canPlay: video.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA,
});

export const useMediaState = (video: HTMLVideoElement | null): MediaState => {
  const [state, setState] = useState<MediaState>(INITIAL);
  useEffect(() => {
    if (video === null) {
      return undefined;
    }
    let waiting = false;
    let frame: number | null = null;
    let lastUpdateMs = 0;
    const update = () => {
      lastUpdateMs = performance.now();
      setState(snapshot(video, waiting));
    };
    const tick = (nowMs: number) => {
      if (nowMs - lastUpdateMs >= PLAYING_REFRESH_MS) {
        update();
      }
      frame = video.paused ? null : requestAnimationFrame(tick);
    };
    const onEvent = (event: Event) => {
      if (event.type === 'waiting') {
        waiting = true;
      } else if (event.type === 'playing' || event.type === 'seeked' || event.type === 'canplay' || event.type === 'pause') {
        waiting = false;
      }
      update();
      if (!video.paused && frame === null) {
        frame = requestAnimationFrame(tick);
      }
    };
    for (const name of EVENTS) {
      video.addEventListener(name, onEvent);
    }
    update();
    return () => {
      for (const name of EVENTS) {
        video.removeEventListener(name, onEvent);
      }
      if (frame !== null) {
        cancelAnimationFrame(frame);
      }
    };
  }, [video]);
  return state;
};
