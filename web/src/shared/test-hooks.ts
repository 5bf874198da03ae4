/**
 * Test hooks on `window.__reprise` (read by test/web-player.test.ts; harmless in production):
 *   video        the one <video> of the replay page (its identity must survive layout changes)
 *   stageCanvas  the stage canvas (null in composed mode)
 *   stage        { lastFrame: { mediaTimeSec, presentedFrames, placements: [{ participantId, rect }] } }
 *   tileMap      the mosaic's tile map (source rectangles in the video frame)
 *   audioGraph   { context, output: AnalyserNode, voices: { [participantId]: AnalyserNode }, routing }
 *   engine       { kind: 'hls.js' | 'native', loads: number } (loads counts source loads)
 *   mode         'stage' | 'composed'; layout: 'grid' | 'speaker' | 'pip'
 */
export type TestHooks = Record<string, unknown>;

declare global {
  interface Window {
    __reprise?: TestHooks;
  }
}

export const setTestHooks = (hooks: TestHooks): void => {
  window.__reprise = { ...window.__reprise, ...hooks };
};
