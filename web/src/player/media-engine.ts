/**
 * The only place that touches hls.js. Plays an HLS URL in a <video>: hls.js (imported lazily, its own chunk)
 * wherever Media Source Extensions exist, the browser's own HLS where they do not (iOS before 17.1).
 * One engine per <video>; load() switches sources on the same element (composed ladder ↔ mosaic).
 */
import type Hls from 'hls.js';
import type { ErrorData, Level, LevelLoadedData } from 'hls.js';

export type QualityLevel = { index: number; height: number; bitrateBps: number; label: string };

export type EngineError = { kind: 'network' | 'expired' | 'media'; fatal: boolean; message: string };

export type EngineEvents = {
  onLevels: (levels: QualityLevel[]) => void;
  onLevelSwitched: (index: number) => void;
  onError: (error: EngineError) => void;
};

export type EngineOptions = EngineEvents & {
  /** Rewrites every URL before it is requested (fresh media signatures); may wait for a refetch. */
  rewriteUrl: (url: string) => Promise<string>;
};

const hasMediaSource = (): boolean => 'MediaSource' in window || 'ManagedMediaSource' in window;

export const levelLabel = (level: { height: number; bitrateBps: number }): string =>
  level.height > 0 ? `${level.height}p` : `${Math.round(level.bitrateBps / 1000)} kbit/s`;

export class MediaEngine {
  /** How many times a source was loaded (a test hook: layout changes must not reload). */
  loads = 0;
  private hls: Hls | null = null;
  private pendingStartSec = 0;
  private mediaErrorRecoveries = 0;
  private pdtAtZeroMs: number | null = null;
  private expiredRetries = 0;

  private constructor(
    readonly video: HTMLVideoElement,
    readonly kind: 'hls.js' | 'native',
    private readonly options: EngineOptions,
  ) {}

  static async create(video: HTMLVideoElement, options: EngineOptions): Promise<MediaEngine> {
    const nativeHls = video.canPlayType('application/vnd.apple.mpegurl') !== '';
    if (!hasMediaSource() && nativeHls) {
      return new MediaEngine(video, 'native', options);
    }
    const { default: HlsClass } = await import('hls.js');
    if (!HlsClass.isSupported()) {
      if (nativeHls) {
        return new MediaEngine(video, 'native', options);
      }
      throw new Error('This browser cannot play HLS.');
    }
    const engine = new MediaEngine(video, 'hls.js', options);
    engine.hls = engine.createHls(HlsClass);
    return engine;
  }

  private createHls(HlsClass: typeof Hls): Hls {
    const hls = new HlsClass({
      autoStartLoad: false,
      backBufferLength: 60,
      xhrSetup: async (xhr, url) => {
        xhr.open('GET', await this.options.rewriteUrl(url), true);
      },
    });
    hls.on(HlsClass.Events.MANIFEST_PARSED, (_event, data) => {
      this.options.onLevels(data.levels.map((level: Level, index: number) => ({ index, height: level.height, bitrateBps: level.bitrate, label: levelLabel({ height: level.height, bitrateBps: level.bitrate }) })));
      hls.startLoad(this.pendingStartSec);
    });
    hls.on(HlsClass.Events.LEVEL_SWITCHED, (_event, data) => this.options.onLevelSwitched(data.level));
    hls.on(HlsClass.Events.FRAG_LOADED, () => {
      this.expiredRetries = 0;
    });
    hls.on(HlsClass.Events.LEVEL_LOADED, (_event, data: LevelLoadedData) => {
      const first = data.details.fragments[0];
      if (first?.programDateTime !== null && first?.programDateTime !== undefined) {
        this.pdtAtZeroMs = first.programDateTime - first.start * 1000;
      }
    });
    hls.on(HlsClass.Events.ERROR, (_event, data) => this.handleError(HlsClass, data));
    hls.attachMedia(this.video);
    return hls;
  }

  private handleError(HlsClass: typeof Hls, data: ErrorData): void {
    const status = data.response?.code;
    // A refused signature: the page refetches the session and retries (a few times, then it is an error).
    if (data.type === HlsClass.ErrorTypes.NETWORK_ERROR && status === 403 && this.expiredRetries < 3) {
      this.expiredRetries += 1;
      this.options.onError({ kind: 'expired', fatal: data.fatal, message: 'The media link expired.' });
      return;
    }
    if (!data.fatal) {
      return;
    }
    if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && this.mediaErrorRecoveries < 2) {
      this.mediaErrorRecoveries += 1;
      this.hls?.recoverMediaError();
      return;
    }
    const kind = data.type === HlsClass.ErrorTypes.NETWORK_ERROR ? 'network' : 'media';
    this.options.onError({ kind, fatal: true, message: kind === 'network' ? 'The video could not be loaded.' : `The video could not be decoded (${data.details}).` });
  }

  /** Plays `url` from `startSec` (same element; a new source replaces the old). */
  load(url: string, startSec: number): void {
    this.loads += 1;
    this.pendingStartSec = startSec;
    this.pdtAtZeroMs = null;
    this.mediaErrorRecoveries = 0;
    if (this.hls !== null) {
      this.hls.loadSource(url);
      return;
    }
    void this.options.rewriteUrl(url).then((fresh) => {
      this.video.src = fresh;
      const seek = () => {
        if (startSec > 0) {
          this.video.currentTime = startSec;
        }
      };
      this.video.addEventListener('loadedmetadata', seek, { once: true });
      this.options.onLevels([]);
    });
  }

  /** After an error: continue loading from where playback is (hls.js), or reload the source (native). */
  retry(url: string): void {
    if (this.hls !== null) {
      if (this.hls.levels.length === 0) {
        // The multivariant playlist itself failed: load it again.
        this.pendingStartSec = this.video.currentTime || this.pendingStartSec;
        this.hls.loadSource(url);
      } else {
        this.hls.startLoad(this.video.currentTime);
      }
      return;
    }
    this.load(url, this.video.currentTime);
  }

  /** -1: automatic (ABR). */
  setLevel(index: number): void {
    if (this.hls !== null) {
      this.hls.currentLevel = index;
    }
  }

  get autoLevel(): boolean {
    return this.hls?.autoLevelEnabled ?? true;
  }

  /** Wall-clock milliseconds at media time 0, from the playlist's EXT-X-PROGRAM-DATE-TIME; null without one. */
  get programDateAtZeroMs(): number | null {
    if (this.hls !== null) {
      return this.pdtAtZeroMs;
    }
    const startDate = (this.video as HTMLVideoElement & { getStartDate?: () => Date }).getStartDate?.();
    const timeMs = startDate?.getTime();
    return timeMs !== undefined && Number.isFinite(timeMs) ? timeMs : null;
  }

  destroy(): void {
    this.hls?.destroy();
    this.hls = null;
    this.video.removeAttribute('src');
    this.video.load();
  }
}
