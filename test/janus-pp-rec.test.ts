/**
 * `reprise inspect` against the reference, janus-pp-rec 1.1.2, on the real recordings in test/fixtures/real
 * (recorded by scripts/record-fixtures with a real Janus and Chromium publishers) and on clean synthetic
 * ones: the same header, the same packet counts, the same RTP duration and sizes.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inspectFile } from '../src/api/inspect.js';
import { readExtendedJson, readHeaderJson, readParseCounts } from './support/janus-pp-rec.js';
import { audioHeader, opusFrames, videoHeader, vp8Frames, writeMjr } from './support/mjr-writer.js';

const REAL_DIR = join(import.meta.dirname, 'fixtures', 'real');

const realFiles = readdirSync(REAL_DIR, { recursive: true })
  .map(String)
  .filter((name) => name.endsWith('.mjr'))
  .map((name) => join(REAL_DIR, name))
  .sort();

const syntheticDir = mkdtempSync(join(tmpdir(), 'reprise-pprec-'));
const synthetic = (name: string, bytes: Uint8Array): string => {
  const path = join(syntheticDir, name);
  writeFileSync(path, bytes);
  return path;
};
const vp8 = vp8Frames(90);
const syntheticFiles = [
  synthetic('opus.mjr', writeMjr({ header: audioHeader(), frames: opusFrames(250) })),
  synthetic('vp8.mjr', writeMjr({ header: videoHeader(), frames: vp8 })),
  synthetic('vp8-duplicated-swapped.mjr', writeMjr({ header: videoHeader(), frames: [...vp8.slice(0, 10), vp8[11]!, vp8[10]!, vp8[11]!, ...vp8.slice(12)] })),
];

describe('inspect agrees with janus-pp-rec', () => {
  test('there are real recordings to compare (at least 2 audio, 2 video, 1 data)', () => {
    const names = realFiles.map((file) => relative(REAL_DIR, file));
    expect(names.filter((name) => name.includes('-audio-')).length).toBeGreaterThanOrEqual(2);
    expect(names.filter((name) => name.includes('-video-')).length).toBeGreaterThanOrEqual(2);
    expect(names.filter((name) => name.includes('-data-')).length).toBeGreaterThanOrEqual(1);
  });

  test.each([...realFiles, ...syntheticFiles].map((file) => [relative(process.cwd(), file), file]))('%s', async (_name, file) => {
    const report = await inspectFile(file);
    const header = readHeaderJson(file);
    expect({ kind: report.kind[0], codec: report.codec, createdUs: report.createdUs, firstPacketUs: report.firstPacketUs }).toEqual({
      kind: header['t'],
      codec: header['c'],
      createdUs: header['s'],
      firstPacketUs: header['u'],
    });
    const counts = readParseCounts(file);
    expect(report.packets).toBe(counts.rtpPackets);
    if (report.kind === 'data') {
      // janus-pp-rec counts data messages as "frame packets" and no RTP packets.
      expect(report.messages).toBe(counts.framePackets);
      return;
    }
    if (counts.framePackets !== null) {
      expect(report.orderedPackets).toBe(counts.framePackets);
    }
    const extended = readExtendedJson(file);
    expect(report.durationMs).toBeCloseTo(extended.extended.duration * 1000, 3);
    if (report.kind === 'video') {
      const sizes = (extended.extended.codec?.resolution ?? []).map(({ width, height }) => ({ width, height }));
      expect(report.resolutions?.map(({ width, height }) => ({ width, height }))).toEqual(sizes);
    }
  });
});
