/**
 * The layout engine (pure): a session manifest, a canvas and a layout spec in; the timeline of what is drawn where
 * out. The session is cut into scenes wherever presence, live video tracks or the floor change (scene.ts), each
 * layout places the scene's participants, and neighbours with identical regions merge.
 *
 * Every region is in whole even pixels inside the canvas, keeps its video's aspect ratio (16:9 when unknown) and
 * lists the participants in the order they first joined, then by id.
 */
import type { SessionManifest } from '../sessions/manifest.js';
import { assertNever } from '../shared/errors.js';
import { placeCustomScenes } from './custom-regions.js';
import { placeGridScene } from './grid.js';
import { mergeAdjacent } from './intervals.js';
import { parseCustomLayout, validateCanvas } from './layout-spec.js';
import type { Canvas, LayoutInterval, LayoutSpec, LayoutTimeline, Region } from './layout-types.js';
import { placePipScene } from './pip.js';
import { placePresentationScene } from './presentation.js';
import { buildScenes, type Scene } from './scene.js';
import { placeSpeakerScene } from './speaker.js';
import { DEFAULT_HOLD_MS } from './speaker-timeline.js';

export { parseCustomLayout, validateCanvas } from './layout-spec.js';
export { DEFAULT_HOLD_MS, speakerTimeline, type FloorInterval } from './speaker-timeline.js';

/** Regions for each scene, in the same order. */
function placeScenes(scenes: readonly Scene[], canvas: Canvas, spec: LayoutSpec): Region[][] {
  switch (spec.type) {
    case 'grid':
      return scenes.map((scene) => placeGridScene(scene, canvas));
    case 'speaker':
      return scenes.map((scene) => placeSpeakerScene(scene, canvas, spec.strip ?? 'bottom'));
    case 'pip': {
      const options = { mainId: spec.mainParticipantId, insetId: spec.insetParticipantId, corner: spec.corner ?? 'bottom-right' };
      return scenes.map((scene) => placePipScene(scene, canvas, options));
    }
    case 'presentation': {
      const options = { participantId: spec.participantId, strip: spec.strip ?? 'bottom' };
      return scenes.map((scene) => placePresentationScene(scene, canvas, options));
    }
    case 'custom':
      return placeCustomScenes(scenes, canvas, spec.regions);
    default:
      return assertNever(spec);
  }
}

const sameRegions = (a: LayoutInterval, b: LayoutInterval): boolean => JSON.stringify(a.regions) === JSON.stringify(b.regions);

/**
 * The layout over [0, manifest.durationMs]: sorted, contiguous intervals, none zero-length, neighbours always
 * different. Throws RepriseError LAYOUT_INVALID for a bad canvas or spec.
 */
export function computeLayoutTimeline(manifest: SessionManifest, canvas: Canvas, spec: LayoutSpec): LayoutTimeline {
  validateCanvas(canvas);
  const checked = parseCustomLayout(spec);
  const holdMs = checked.type === 'speaker' ? (checked.holdMs ?? DEFAULT_HOLD_MS) : DEFAULT_HOLD_MS;
  const scenes = buildScenes(manifest, { labels: canvas.labels, holdMs });
  const regions = placeScenes(scenes, canvas, checked);
  const intervals = scenes.map((scene, index): LayoutInterval => ({ startMs: scene.startMs, endMs: scene.endMs, regions: regions[index] ?? [] }));
  return { canvas, spec: checked, intervals: mergeAdjacent(intervals, sameRegions) };
}
