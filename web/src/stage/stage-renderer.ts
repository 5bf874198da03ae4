/**
 * Stage mode's painter. One <video> plays the mosaic (every participant at a fixed tile, one decoder, one
 * clock); on every presented frame (requestVideoFrameCallback) each visible tile is cut out with
 * drawImage(video, sx, sy, sw, sh, dx, dy, dw, dh) into one canvas, where computeStageLayout puts it. All tiles
 * come from the same decoded frame, so participants are frame-exact with each other by construction, and a
 * layout change is only a different set of rectangles: nothing reloads or rebuffers.
 *
 * The frame is snapshotted once per paint (WebCodecs `new VideoFrame(video)`) and every tile is cut from that
 * snapshot: drawing the element itself tile after tile could straddle two frames when the compositor swaps in
 * the next one mid-paint (seen in Chromium under load).
 */
import type { TileMap } from '../api/types';
import { activeSpeakerAt, visibleAt, type Activity } from './activity';
import { computeStageLayout, type Placement, type StageLayoutKind } from './layout';

export type StageParticipant = Activity & { label: string };

export type StageOptions = {
  kind: StageLayoutKind;
  pinnedId: string | null;
  hiddenIds: ReadonlySet<string>;
  /** In tile-map order. */
  participants: readonly StageParticipant[];
  tileMap: TileMap;
  /** Session-timeline milliseconds of a media time (0 unless the playlist starts later than the session). */
  sessionOffsetMs: number;
};

export type DrawnFrame = {
  mediaTimeSec: number;
  presentedFrames: number | null;
  /** The snapshot's own timestamp (µs), when drawn from a VideoFrame. */
  frameTimestampUs: number | null;
  placements: Placement[];
};

const BACKGROUND = '#07090d';
const LABEL_BACKGROUND = 'rgba(7, 9, 13, 0.66)';
const SPEAKER_RING = '#5b8cff';

export class StageRenderer {
  /** The last frame painted: its media time and where each tile went (test hooks read this). */
  lastFrame: DrawnFrame | null = null;
  /** Tests set this to keep the snapshot of the last paint in lastVideoFrame (to compare pixels with). */
  retainLastVideoFrame = false;
  lastVideoFrame: VideoFrame | null = null;
  private options: StageOptions | null = null;
  private readonly context: CanvasRenderingContext2D;
  private frameHandle: number | null = null;
  private readonly usesVideoFrames: boolean;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly canvas: HTMLCanvasElement,
  ) {
    const context = canvas.getContext('2d', { alpha: false });
    if (context === null) {
      throw new Error('Stage needs a 2D canvas context');
    }
    this.context = context;
    this.usesVideoFrames = typeof video.requestVideoFrameCallback === 'function';
  }

  setOptions(options: StageOptions): void {
    this.options = options;
    this.drawCurrent();
  }

  /** Backing-store size in device pixels; repaints the current frame. */
  resize(widthPx: number, heightPx: number): void {
    if (this.canvas.width !== widthPx || this.canvas.height !== heightPx) {
      this.canvas.width = widthPx;
      this.canvas.height = heightPx;
    }
    this.drawCurrent();
  }

  /**
   * A seek while paused presents one frame, and rVFC does not always report it (seen at narrow widths under
   * load): 'seeked' means the frame at the new position is ready, so paint it from currentTime.
   */
  private readonly onSeeked = (): void => {
    if (this.video.paused) {
      this.draw(this.video.currentTime, null);
    }
  };

  start(): void {
    if (this.frameHandle !== null) {
      return;
    }
    this.video.addEventListener('seeked', this.onSeeked);
    if (this.usesVideoFrames) {
      const onFrame = (_now: number, metadata: VideoFrameCallbackMetadata): void => {
        this.draw(metadata.mediaTime, metadata.presentedFrames);
        this.frameHandle = this.video.requestVideoFrameCallback(onFrame);
      };
      this.frameHandle = this.video.requestVideoFrameCallback(onFrame);
    } else {
      // No rVFC: paint on every animation frame from currentTime (sync between tiles still holds: one frame).
      const onAnimationFrame = (): void => {
        this.draw(this.video.currentTime, null);
        this.frameHandle = requestAnimationFrame(onAnimationFrame);
      };
      this.frameHandle = requestAnimationFrame(onAnimationFrame);
    }
  }

  stop(): void {
    this.video.removeEventListener('seeked', this.onSeeked);
    this.lastVideoFrame?.close();
    this.lastVideoFrame = null;
    if (this.frameHandle === null) {
      return;
    }
    if (this.usesVideoFrames) {
      this.video.cancelVideoFrameCallback(this.frameHandle);
    } else {
      cancelAnimationFrame(this.frameHandle);
    }
    this.frameHandle = null;
  }

  /** Repaint now (layout changed while paused, resized): the element still holds the current frame. */
  drawCurrent(): void {
    this.draw(this.lastFrame?.mediaTimeSec ?? this.video.currentTime, this.lastFrame?.presentedFrames ?? null);
  }

  private draw(mediaTimeSec: number, presentedFrames: number | null): void {
    const options = this.options;
    const { width, height } = this.canvas;
    const context = this.context;
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, width, height);
    if (options === null || this.video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
      return;
    }
    const placements = this.placementsAt(options, mediaTimeSec);
    const snapshot = this.snapshot();
    const source = snapshot ?? this.video;
    const scaleX = (snapshot?.displayWidth ?? this.video.videoWidth) / options.tileMap.width || 1;
    const scaleY = (snapshot?.displayHeight ?? this.video.videoHeight) / options.tileMap.height || 1;
    const tiles = new Map(options.tileMap.tiles.map((tile) => [tile.participantId, tile]));
    const labels = new Map(options.participants.map((participant) => [participant.id, participant.label]));
    const unit = Math.max(1, Math.min(width, height) / 360);
    for (const placement of [...placements].sort((a, b) => a.z - b.z)) {
      const tile = tiles.get(placement.participantId)!;
      const { x, y, width: w, height: h } = placement.rect;
      context.drawImage(source, tile.x * scaleX, tile.y * scaleY, tile.width * scaleX, tile.height * scaleY, x, y, w, h);
      if (placement.z > 0) {
        context.strokeStyle = 'rgba(255, 255, 255, 0.5)';
        context.lineWidth = unit;
        context.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
      }
      if (placement.focused && placements.length > 1) {
        context.strokeStyle = SPEAKER_RING;
        context.lineWidth = 2 * unit;
        context.strokeRect(x + unit, y + unit, w - 2 * unit, h - 2 * unit);
      }
      this.drawLabel(labels.get(placement.participantId) ?? placement.participantId, x, y + h, unit, w);
    }
    if (placements.length === 0) {
      context.fillStyle = '#8b93a7';
      context.font = `${Math.round(14 * unit)}px system-ui, sans-serif`;
      context.textAlign = 'center';
      context.fillText('Nobody is on camera right now', width / 2, height / 2);
      context.textAlign = 'start';
    }
    this.lastFrame = { mediaTimeSec, presentedFrames, frameTimestampUs: snapshot?.timestamp ?? null, placements };
    this.releaseSnapshot(snapshot);
  }

  /** The element's current frame, once, for every tile of this paint; null where WebCodecs is missing. */
  private snapshot(): VideoFrame | null {
    if (typeof VideoFrame === 'undefined') {
      return null;
    }
    try {
      return new VideoFrame(this.video);
    } catch {
      return null;
    }
  }

  private releaseSnapshot(snapshot: VideoFrame | null): void {
    if (snapshot === null) {
      return;
    }
    if (this.retainLastVideoFrame) {
      this.lastVideoFrame?.close();
      this.lastVideoFrame = snapshot;
    } else {
      snapshot.close();
    }
  }

  private placementsAt(options: StageOptions, mediaTimeSec: number): Placement[] {
    const timeMs = mediaTimeSec * 1000 + options.sessionOffsetMs;
    const inTileMap = options.participants.filter((participant) => options.tileMap.tiles.some((tile) => tile.participantId === participant.id));
    const visible = visibleAt(inTileMap, timeMs, options.hiddenIds);
    const focusId = options.pinnedId ?? activeSpeakerAt(visible, timeMs);
    const tile = options.tileMap.tiles[0]!;
    return computeStageLayout({
      kind: options.kind,
      canvas: { width: this.canvas.width, height: this.canvas.height },
      participantIds: visible.map((participant) => participant.id),
      focusId,
      tileAspect: tile.width / tile.height,
      gapPx: Math.round(Math.min(this.canvas.width, this.canvas.height) / 90),
    });
  }

  private drawLabel(text: string, x: number, bottom: number, unit: number, maxWidth: number): void {
    const context = this.context;
    const fontPx = Math.round(11 * unit);
    context.font = `500 ${fontPx}px system-ui, sans-serif`;
    const padding = Math.round(5 * unit);
    const textWidth = Math.min(context.measureText(text).width, maxWidth - 4 * padding);
    if (textWidth <= 0) {
      return;
    }
    const boxHeight = fontPx + 2 * padding;
    context.fillStyle = LABEL_BACKGROUND;
    context.fillRect(x + padding, bottom - boxHeight - padding, textWidth + 2 * padding, boxHeight);
    context.fillStyle = '#f1f3f8';
    context.textBaseline = 'middle';
    context.fillText(text, x + 2 * padding, bottom - padding - boxHeight / 2, textWidth);
    context.textBaseline = 'alphabetic';
  }
}
