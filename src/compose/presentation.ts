/**
 * Presentation layout: the presenter large (their screen share when one is live, else their camera), the others in a
 * strip. The presenter is the chosen participant while present, else whoever shares a screen (the latest share
 * wins); with no presenter the layout falls back to the grid.
 */
import type { Canvas, Region } from './layout-types.js';
import { compareIds } from './participants.js';
import { placeGridScene } from './grid.js';
import { cameraTile, screenTile, type Scene, type SceneParticipant } from './scene.js';
import { placeFeaturedWithStrip, type StripSide } from './strip.js';

export function choosePresenter(scene: Scene, participantId: string | undefined): SceneParticipant | null {
  const chosen = scene.present.find((participant) => participant.id === participantId);
  if (chosen !== undefined) {
    return chosen;
  }
  const sharing = scene.present
    .filter((participant) => participant.screen !== null)
    .sort((a, b) => (b.screen?.startMs ?? 0) - (a.screen?.startMs ?? 0) || compareIds(a.screen?.file ?? '', b.screen?.file ?? ''));
  return sharing[0] ?? null;
}

export function placePresentationScene(scene: Scene, canvas: Canvas, options: { participantId?: string; strip: StripSide }): Region[] {
  const presenter = choosePresenter(scene, options.participantId);
  if (presenter === null) {
    return placeGridScene(scene, canvas);
  }
  const others = scene.present.filter((participant) => participant !== presenter).map(cameraTile);
  return placeFeaturedWithStrip(screenTile(presenter), others, canvas, options.strip);
}
