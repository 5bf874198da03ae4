import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { computeLadder, estimateVideoBitrate, pickH264Level, type Rendition } from './ladder.js';

const summary = (ladder: readonly Rendition[]): string[] =>
  ladder.map((rung) => `${rung.name} ${rung.width}x${rung.height} ${rung.videoBitrate / 1000}k/${rung.maxBitrate / 1000}k/${rung.bufferSize / 1000}k a${rung.audioBitrate / 1000}k ${rung.h264Profile}@${rung.h264Level}`);

describe('computeLadder', () => {
  test.each<[string, { width: number; height: number; frameRate: number }, string[]]>([
    [
      '1080p30: four standard rungs',
      { width: 1920, height: 1080, frameRate: 30 },
      [
        '1080p 1920x1080 3500k/5250k/7000k a128k high@4.0',
        '720p 1280x720 2000k/3000k/4000k a128k high@3.1',
        '480p 854x480 1000k/1500k/2000k a128k high@3.1',
        '240p 426x240 350k/525k/700k a96k high@2.1',
      ],
    ],
    [
      '720p30: no upscaling to 1080p',
      { width: 1280, height: 720, frameRate: 30 },
      ['720p 1280x720 2000k/3000k/4000k a128k high@3.1', '480p 854x480 1000k/1500k/2000k a128k high@3.1', '240p 426x240 350k/525k/700k a96k high@2.1'],
    ],
    [
      '720p25: 480p fits level 3.0 at 25 fps',
      { width: 1280, height: 720, frameRate: 25 },
      ['720p 1280x720 2000k/3000k/4000k a128k high@3.1', '480p 854x480 1000k/1500k/2000k a128k high@3.0', '240p 426x240 350k/525k/700k a96k high@2.1'],
    ],
    [
      '1080p60: more bits and level 4.2',
      { width: 1920, height: 1080, frameRate: 60 },
      [
        '1080p 1920x1080 5250k/7875k/10500k a128k high@4.2',
        '720p 1280x720 3000k/4500k/6000k a128k high@3.2',
        '480p 854x480 1500k/2250k/3000k a128k high@3.1',
        '240p 426x240 530k/795k/1060k a96k high@3.0', // 24,300 macroblocks/s: past 2.1 and 2.2
      ],
    ],
    [
      '1920x1200 (16:10): the top is the output itself, 1080p is too close to it',
      { width: 1920, height: 1200, frameRate: 30 },
      [
        '1200p 1920x1200 3790k/5685k/7580k a128k high@5.0', // 9,000 macroblocks: past level 4.2's 8,704
        '720p 1152x720 1820k/2730k/3640k a128k high@3.1',
        '480p 768x480 910k/1365k/1820k a128k high@3.1',
        '240p 384x240 320k/480k/640k a96k high@1.3',
      ],
    ],
    [
      '1440p: five candidates, 1080p (closest to the top) dropped',
      { width: 2560, height: 1440, frameRate: 30 },
      [
        '1440p 2560x1440 5390k/8085k/10780k a128k high@5.0',
        '720p 1280x720 2000k/3000k/4000k a128k high@3.1',
        '480p 854x480 1000k/1500k/2000k a128k high@3.1',
        '240p 426x240 350k/525k/700k a96k high@2.1',
      ],
    ],
    [
      'portrait 720x1280: rungs named by the short side',
      { width: 720, height: 1280, frameRate: 30 },
      ['720p 720x1280 2000k/3000k/4000k a128k high@3.1', '480p 480x854 1000k/1500k/2000k a128k high@3.1', '240p 240x426 350k/525k/700k a96k high@2.1'],
    ],
    ['4:3 640x480', { width: 640, height: 480, frameRate: 30 }, ['480p 640x480 780k/1170k/1560k a128k high@3.0', '240p 320x240 260k/390k/520k a96k high@1.3']],
    ['320x240: a single rung', { width: 320, height: 240, frameRate: 15 }, ['240p 320x240 260k/390k/520k a96k high@1.2']],
    ['odd sizes are rounded down to even', { width: 1279, height: 719, frameRate: 30 }, ['718p 1278x718 1990k/2985k/3980k a128k high@3.1', '480p 854x480 1000k/1500k/2000k a128k high@3.1', '240p 428x240 350k/525k/700k a96k high@2.1']],
    ['tiny 160x90', { width: 160, height: 90, frameRate: 30 }, ['90p 160x90 100k/150k/200k a96k high@1.1']],
  ])('%s', (_name, input, expected) => {
    expect(summary(computeLadder(input))).toEqual(expected);
  });

  test('invariants over random output sizes and frame rates', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4096 }), fc.integer({ min: 2, max: 2304 }), fc.constantFrom(10, 15, 24, 25, 29.97, 30, 50, 59.94, 60), (width, height, frameRate) => {
        const ladder = computeLadder({ width, height, frameRate });
        expect(ladder.length).toBeGreaterThanOrEqual(1);
        expect(ladder.length).toBeLessThanOrEqual(4);
        expect(ladder[0]!.width).toBe(width - (width % 2));
        expect(ladder[0]!.height).toBe(height - (height % 2));
        for (const [index, rung] of ladder.entries()) {
          expect(rung.width % 2 === 0 && rung.height % 2 === 0).toBe(true);
          expect(rung.width).toBeLessThanOrEqual(width);
          expect(rung.height).toBeLessThanOrEqual(height);
          expect(rung.frameRate).toBe(frameRate);
          expect(rung.maxBitrate).toBeGreaterThan(rung.videoBitrate);
          const previous = ladder[index - 1];
          if (previous !== undefined) {
            expect(Math.min(rung.width, rung.height)).toBeLessThan(Math.min(previous.width, previous.height));
            expect(rung.videoBitrate).toBeLessThanOrEqual(previous.videoBitrate);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('pickH264Level', () => {
  // ITU-T H.264 Table A-1; bitrate and buffer kept small so only the frame size and rate decide.
  test.each<[number, number, number, string]>([
    [176, 144, 15, '1.0'],
    [320, 240, 30, '1.3'],
    [352, 288, 30, '1.3'], // CIF: exactly 1.3's 396 macroblocks and 11,880 macroblocks/s
    [640, 360, 30, '3.0'], // 27,600 macroblocks/s: past 2.2's 20,250
    [720, 576, 25, '3.0'],
    [1280, 720, 30, '3.1'],
    [1280, 720, 60, '3.2'],
    [1920, 1080, 30, '4.0'],
    [1920, 1080, 60, '4.2'],
    [2560, 1440, 30, '5.0'],
    [3840, 2160, 30, '5.1'],
    [3840, 2160, 60, '5.2'],
    // Annex A.3.1: a 4000x120 strip has few macroblocks, but 250 across exceeds sqrt(8 * MaxFS) until level 4.0.
    [4000, 120, 30, '4.0'],
  ])('%ix%i@%i → %s', (width, height, frameRate, level) => {
    expect(pickH264Level({ width, height, frameRate, maxBitrate: 50_000, bufferSize: 50_000, profile: 'high' })).toBe(level);
  });

  test('the bitrate limit raises the level (MaxBR × 1.25 for High)', () => {
    expect(pickH264Level({ width: 1920, height: 1080, frameRate: 30, maxBitrate: 25_000_000, bufferSize: 1_000_000, profile: 'high' })).toBe('4.0');
    expect(pickH264Level({ width: 1920, height: 1080, frameRate: 30, maxBitrate: 25_000_001, bufferSize: 1_000_000, profile: 'high' })).toBe('4.1');
    expect(pickH264Level({ width: 1920, height: 1080, frameRate: 30, maxBitrate: 20_000_001, bufferSize: 1_000_000, profile: 'main' })).toBe('4.1');
  });

  test('estimateVideoBitrate hits the anchors and grows with pixels', () => {
    expect(estimateVideoBitrate(1280 * 720, 30)).toBe(2_000_000);
    expect(estimateVideoBitrate(1280 * 720, 60)).toBe(3_000_000);
    expect(estimateVideoBitrate(1280 * 720, 15)).toBe(2_000_000);
    expect(estimateVideoBitrate(1600 * 900, 30)).toBeGreaterThan(2_000_000);
    expect(estimateVideoBitrate(1600 * 900, 30)).toBeLessThan(3_500_000);
  });
});
