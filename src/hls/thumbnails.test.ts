import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { expectGolden } from '../../test/support/hls-fixtures.js';
import { formatVttTimestamp, planThumbnails, renderThumbnailVtt } from './thumbnails.js';

describe('planThumbnails', () => {
  test('47.5 s every 5 s in 3×2 sheets: ten tiles over two sheets, the last tile cut at the end', () => {
    const plan = planThumbnails({ durationSec: 47.5, intervalSec: 5, tileWidth: 160, tileHeight: 90, columns: 3, rows: 2 });
    expect(plan).toMatchObject({ durationMs: 47_500, intervalMs: 5000, tileCount: 10, sheetWidth: 480, sheetHeight: 180 });
    expect(plan.sheets.map((sheet) => sheet.tiles.length)).toEqual([6, 4]);
    expect(plan.sheets[1]!.tiles).toEqual([
      { startMs: 30_000, endMs: 35_000, x: 0, y: 0 },
      { startMs: 35_000, endMs: 40_000, x: 160, y: 0 },
      { startMs: 40_000, endMs: 45_000, x: 320, y: 0 },
      { startMs: 45_000, endMs: 47_500, x: 0, y: 90 },
    ]);
  });

  test('an exact multiple of the interval gets no empty trailing tile; a zero duration gets no tiles', () => {
    expect(planThumbnails({ durationSec: 20, intervalSec: 10, tileWidth: 8, tileHeight: 8, columns: 2, rows: 2 }).tileCount).toBe(2);
    expect(planThumbnails({ durationSec: 0, intervalSec: 10, tileWidth: 8, tileHeight: 8, columns: 2, rows: 2 }).sheets).toEqual([]);
  });

  test('cues tile the timeline: contiguous, in order, inside their sheet, ending at the duration', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 * 3600 * 1000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        (durationMs, intervalDraw, columns, rows) => {
          const intervalMs = Math.max(intervalDraw, Math.ceil(durationMs / 2000)); // at most 2,000 tiles a case
          const plan = planThumbnails({ durationSec: durationMs / 1000, intervalSec: intervalMs / 1000, tileWidth: 16, tileHeight: 9, columns, rows });
          const tiles = plan.sheets.flatMap((sheet) => sheet.tiles);
          expect(tiles).toHaveLength(plan.tileCount);
          expect(tiles[0]!.startMs).toBe(0);
          expect(tiles.at(-1)!.endMs).toBe(durationMs);
          for (const [index, tile] of tiles.entries()) {
            expect(tile.endMs).toBeGreaterThan(tile.startMs);
            if (index > 0) {
              expect(tile.startMs).toBe(tiles[index - 1]!.endMs);
            }
            expect(tile.x + 16).toBeLessThanOrEqual(plan.sheetWidth);
            expect(tile.y + 9).toBeLessThanOrEqual(plan.sheetHeight);
          }
          expect(plan.sheets.every((sheet) => sheet.tiles.length <= columns * rows)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('renderThumbnailVtt', () => {
  test('golden: two sheets, media-fragment cues, the last cue ending at the duration', () => {
    const plan = planThumbnails({ durationSec: 47.5, intervalSec: 5, tileWidth: 160, tileHeight: 90, columns: 3, rows: 2 });
    expectGolden('hls/thumbnails.vtt', renderThumbnailVtt(plan, (index) => `thumbnails/sheet-${index}.jpg`));
  });

  test('timestamps past an hour, and no cues for an empty plan', () => {
    expect(formatVttTimestamp(3_723_004)).toBe('01:02:03.004');
    expect(formatVttTimestamp(100 * 3_600_000)).toBe('100:00:00.000');
    const empty = planThumbnails({ durationSec: 0, intervalSec: 1, tileWidth: 1, tileHeight: 1, columns: 1, rows: 1 });
    expect(renderThumbnailVtt(empty, () => 'x.jpg')).toBe('WEBVTT\n');
  });

  test('refuses a sheet URI that would break the cue', () => {
    const plan = planThumbnails({ durationSec: 1, intervalSec: 1, tileWidth: 1, tileHeight: 1, columns: 1, rows: 1 });
    expect(() => renderThumbnailVtt(plan, () => 'a\nb.jpg')).toThrow(/Internal error/);
    expect(() => renderThumbnailVtt(plan, () => 'a-->b.jpg')).toThrow(/Internal error/);
  });
});
