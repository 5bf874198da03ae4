/**
 * Speaker layout: the featured participant (the floor holder, with the hold time of speaker-timeline.ts) large,
 * everyone else in a strip in join order. Before anyone has spoken, the first to join is large; when the large one
 * leaves, the floor passes at once (to the most recent speaker still present, else the first present).
 */
import type { Canvas, Region } from './layout-types.js';
import { cameraTile, type Scene } from './scene.js';
import { placeFeaturedWithStrip, type StripSide } from './strip.js';

export function placeSpeakerScene(scene: Scene, canvas: Canvas, side: StripSide): Region[] {
  const featured = scene.present.find((participant) => participant.id === scene.featuredId) ?? scene.present[0];
  if (featured === undefined) {
    return [];
  }
  const others = scene.present.filter((participant) => participant !== featured).map(cameraTile);
  return placeFeaturedWithStrip(cameraTile(featured), others, canvas, side);
}
