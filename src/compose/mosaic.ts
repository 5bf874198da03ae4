/**
 * The mosaic rendition (pure planning): every participant at a fixed place for the whole session, each voice
 * on its own audio channel (up to 8; beyond, the mix). The player cuts tiles out of this one video and splits
 * the channels, so every participant stays in perfect sync whatever layout the viewer picks.
 */
import { PER_PARTICIPANT_LAYOUTS } from './filter-graph.js';
import type { Canvas, LayoutTimeline } from './layout-types.js';
import { computeLayoutTimeline } from './layout.js';
import type { SessionManifest, TileMap } from '../sessions/manifest.js';

export const MAX_MOSAIC_CHANNELS = 8;

/** Everyone "present" for the whole session, so the grid never re-tiles; video presence still gives name tiles. */
const everyonePresent = (manifest: SessionManifest): SessionManifest => ({
  ...manifest,
  participants: manifest.participants.map((participant) => ({ ...participant, presence: [{ startMs: 0, endMs: manifest.durationMs }] })),
});

export const planMosaic = (manifest: SessionManifest, canvas: Canvas): { layout: LayoutTimeline; tileMap: TileMap } => {
  const layout = computeLayoutTimeline(everyonePresent(manifest), canvas, { type: 'grid' });
  const perChannel = manifest.participants.length <= MAX_MOSAIC_CHANNELS;
  const order = manifest.participants.map((participant) => participant.id);
  const regions = new Map(layout.intervals.flatMap((interval) => interval.regions).map((region) => [region.participantId, region]));
  return {
    layout,
    tileMap: {
      width: canvas.width,
      height: canvas.height,
      audio: perChannel ? 'per-participant-channels' : 'mix',
      tiles: order.map((participantId, index) => {
        const region = regions.get(participantId)!;
        return { participantId, x: region.x, y: region.y, width: region.width, height: region.height, audioChannel: perChannel ? index : null };
      }),
    },
  };
};

/** The ffmpeg channel name each participant's voice is on, in decoder output order (see PER_PARTICIPANT_LAYOUTS). */
export const mosaicChannelNames = (participantCount: number): string[] => PER_PARTICIPANT_LAYOUTS[participantCount]?.channels ?? [];
