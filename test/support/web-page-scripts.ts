/**
 * Page code for test/web-player.test.ts, as strings (the tests compile without the DOM library). Each is an
 * expression for page.evaluate; they read the player's hooks on window.__reprise (web/src/shared/test-hooks.ts).
 */

/** Watches the <video> for stalls and reloads: { waiting, initialVideo, initialLoads } kept on window.__watch. */
export const WATCH_STALLS = `(() => {
  const r = window.__reprise;
  const watch = { waiting: 0, emptied: 0, video: r.video, loads: r.engine.loads };
  r.video.addEventListener('waiting', () => { watch.waiting += 1; });
  r.video.addEventListener('emptied', () => { watch.emptied += 1; });
  window.__watch = watch;
  return true;
})()`;

export const READ_WATCH = `(() => {
  const r = window.__reprise, w = window.__watch;
  return { waiting: w.waiting, emptied: w.emptied, sameVideo: r.video === w.video, loadsDelta: r.engine.loads - w.loads,
    currentTime: r.video.currentTime, layout: r.layout, placements: r.stage ? r.stage.lastFrame.placements : null };
})()`;

/**
 * For `durationMs` of playback, on every presented frame (requestVideoFrameCallback, registered after the
 * stage's, so it runs after the stage painted): per tile, the stage canvas region against the mosaic region of
 * the very frame the stage painted (its VideoFrame snapshot, kept by `retainLastVideoFrame`) drawn to a scratch
 * canvas at the same place and size: the share of pixels differing by more than 32 in a channel, and the mean
 * luma of both (flashes are white frames). Also the snapshot's timestamp against the callback's media time.
 * Runs at half speed (the sync does not depend on it) so that the reads fit between frames.
 */
export const measureStageSync = (durationMs: number): string => `(async () => {
  const r = window.__reprise;
  const video = r.video, stage = r.stage, canvas = r.stageCanvas, tileMap = r.tileMap;
  stage.retainLastVideoFrame = true;
  // Half speed: every frame's callback gets twice the time for the pixel reads, so fewer frames are skipped.
  const rate = video.playbackRate;
  video.playbackRate = 0.5;
  const stageContext = canvas.getContext('2d');
  const scratch = document.createElement('canvas');
  const scratchContext = scratch.getContext('2d', { willReadFrequently: true });
  const frames = [];
  const lumaOf = (data, i) => 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
  await new Promise((resolve) => {
    const start = performance.now();
    const onFrame = (_now, metadata) => {
      const drawn = stage.lastFrame, source = stage.lastVideoFrame;
      if (source !== null && drawn.frameTimestampUs !== null) {
        const sx = source.displayWidth / tileMap.width, sy = source.displayHeight / tileMap.height;
        const frame = { mediaTime: metadata.mediaTime, stageMediaTime: drawn.mediaTimeSec, snapshotTime: source.timestamp / 1e6, tiles: {} };
        if (scratch.width !== canvas.width || scratch.height !== canvas.height) { scratch.width = canvas.width; scratch.height = canvas.height; }
        for (const placement of drawn.placements) {
          const tile = tileMap.tiles.find((candidate) => candidate.participantId === placement.participantId);
          const { x, y, width, height } = placement.rect;
          // The middle of the tile: away from the name label and the speaker ring.
          const ix = Math.round(x + width * 0.2), iy = Math.round(y + height * 0.2), iw = Math.round(width * 0.6), ih = Math.round(height * 0.6);
          const shown = stageContext.getImageData(ix, iy, iw, ih).data;
          scratchContext.drawImage(source, tile.x * sx, tile.y * sy, tile.width * sx, tile.height * sy, x, y, width, height);
          const expected = scratchContext.getImageData(ix, iy, iw, ih).data;
          let differing = 0, shownLuma = 0, expectedLuma = 0, pixels = 0;
          // Every other pixel of every other row.
          for (let row = 0; row < ih; row += 2) {
            for (let i = row * iw * 4; i < (row + 1) * iw * 4; i += 8) {
              if (Math.abs(shown[i] - expected[i]) > 32 || Math.abs(shown[i + 1] - expected[i + 1]) > 32 || Math.abs(shown[i + 2] - expected[i + 2]) > 32) differing += 1;
              shownLuma += lumaOf(shown, i); expectedLuma += lumaOf(expected, i); pixels += 1;
            }
          }
          frame.tiles[placement.participantId] = { differing: differing / pixels, shownLuma: shownLuma / pixels, mosaicLuma: expectedLuma / pixels };
        }
        frames.push(frame);
      }
      if (performance.now() - start < ${durationMs}) video.requestVideoFrameCallback(onFrame); else resolve();
    };
    video.requestVideoFrameCallback(onFrame);
  });
  stage.retainLastVideoFrame = false;
  video.playbackRate = rate;
  return frames;
})()`;

/**
 * For `durationMs`, the loudest level (dBFS) at each pitch on the output analyser (after the per-participant
 * gains and the master), sampled every 10 ms with no smoothing.
 */
export const measurePitchLevels = (pitchesHz: readonly number[], durationMs: number): string => `(async () => {
  const output = window.__reprise.audioGraph.output;
  output.smoothingTimeConstant = 0;
  const binHz = output.context.sampleRate / output.fftSize;
  const spectrum = new Float32Array(output.frequencyBinCount);
  const loudest = Object.fromEntries(${JSON.stringify(pitchesHz)}.map((pitch) => [pitch, -200]));
  await new Promise((resolve) => {
    const start = performance.now();
    const timer = setInterval(() => {
      output.getFloatFrequencyData(spectrum);
      for (const pitch of Object.keys(loudest)) {
        const bin = Math.round(Number(pitch) / binHz);
        const level = Math.max(spectrum[bin - 1], spectrum[bin], spectrum[bin + 1]);
        if (Number.isFinite(level)) loudest[pitch] = Math.max(loudest[pitch], level);
      }
      if (performance.now() - start > ${durationMs}) { clearInterval(timer); resolve(); }
    }, 10);
  });
  return loudest;
})()`;

/** Seeks to each time and measures until the next presented frame (requestVideoFrameCallback), in ms. */
export const measureSeeks = (timesSec: readonly number[]): string => `(async () => {
  const video = window.__reprise.video;
  const results = [];
  for (const target of ${JSON.stringify(timesSec)}) {
    const startMs = performance.now();
    // The first frame presented from the new position (a frame already on its way from before may come first).
    const presented = new Promise((resolve) => {
      const onFrame = (_now, metadata) => {
        if (Math.abs(metadata.mediaTime - target) < 0.5) resolve(metadata.mediaTime); else video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    });
    video.currentTime = target;
    const mediaTime = await presented;
    results.push({ target, mediaTime, elapsedMs: performance.now() - startMs });
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return results;
})()`;
