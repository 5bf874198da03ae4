/**
 * bench/lib/long-recording.ts: a short synthetic recording repeated to ~10× its length must read back as one
 * continuous recording (no lost packet, no timestamp jump, no gap at the seams), across seq and RTP wraps.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeLongRecording } from '../bench/lib/long-recording.js';
import { inspectFile } from '../src/api/inspect.js';
import { parseMjrBytes, type MjrHeaderRecord, type MjrPacketRecord } from '../src/mjr/index.js';
import { readU16Be, readU32Be } from '../src/shared/bytes.js';
import { audioHeader, opusFrames, videoHeader, vp8Frames, writeMjr, type MjrFile } from './support/mjr-writer.js';

const folder = mkdtempSync(join(tmpdir(), 'reprise-long-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let fileCount = 0;
const repeat = async (source: MjrFile, durationMs: number) => {
  const name = `recording-${fileCount++}`;
  const sourcePath = join(folder, `${name}-source.mjr`);
  const targetPath = join(folder, `${name}-long.mjr`);
  writeFileSync(sourcePath, writeMjr(source));
  // A small chunk size so that the file is written in many pieces.
  const result = await writeLongRecording({ sourcePath, targetPath, durationMs, chunkBytes: 4096 });
  const bytes = new Uint8Array(readFileSync(targetPath));
  const records = [...parseMjrBytes(bytes)];
  const packets = records.filter((record): record is MjrPacketRecord => record.type === 'packet');
  const header = records.find((record): record is MjrHeaderRecord => record.type === 'header')!;
  return { result, bytes, sourceBytes: new Uint8Array(readFileSync(sourcePath)), header, packets, report: await inspectFile(targetPath) };
};

const sequenceOf = (packet: MjrPacketRecord): number => readU16Be(packet.bytes, 2);
const timestampOf = (packet: MjrPacketRecord): number => readU32Be(packet.bytes, 4);

/** Differences between consecutive values, modulo the clock's range. */
const stepsOf = (values: number[], modulus: number): number[] =>
  values.slice(1).map((value, index) => (((value - values[index]!) % modulus) + modulus) % modulus);

describe('writeLongRecording', () => {
  // Opus, 50 packets (1 s), starting close to both wraps: the 10 s result crosses seq 65535→0 and RTP 2^32→0.
  const opus: MjrFile = { header: audioHeader(), frames: opusFrames(50, { firstSequence: 65_400, firstTimestamp: 2 ** 32 - 3 * 48_000 }) };

  test('audio: 10 repetitions of 1 s read back as 500 consecutive packets, 20 ms apart on both clocks', async () => {
    const { result, bytes, sourceBytes, header, packets, report } = await repeat(opus, 10_000);
    expect(result).toMatchObject({ repetitions: 10, packets: 500, sizeBytes: bytes.length, durationMs: 9_980, periodMs: 1_000, droppedSourceFrames: 0 });
    // The JSON header is copied as it is.
    expect(bytes.subarray(0, header.byteLength)).toEqual(sourceBytes.subarray(0, header.byteLength));
    expect(packets).toHaveLength(500);
    expect(new Set(stepsOf(packets.map(sequenceOf), 2 ** 16))).toEqual(new Set([1]));
    expect(new Set(stepsOf(packets.map(timestampOf), 2 ** 32))).toEqual(new Set([960]));
    expect(new Set(stepsOf(packets.map((packet) => packet.arrivalOffsetMs!), 2 ** 32))).toEqual(new Set([20]));
    expect(packets.map(sequenceOf)).toContain(0); // the sequence number wrapped
    expect(packets.map(timestampOf)).toContain(0); // so did the RTP timestamp
    expect(report).toMatchObject({
      kind: 'audio',
      codec: 'opus',
      packets: 500,
      orderedPackets: 500,
      missing: 0,
      outOfOrder: 0,
      duplicates: 0,
      sequenceResets: 0,
      timestampJumps: [],
      ssrcChanges: [],
      durationMs: 9_980,
      wallDurationMs: 9_980,
      dtxGapCount: 0,
      lossGapCount: 0,
    });
  });

  test('audio: a duration that is not a whole number of repetitions cuts the last one', async () => {
    const { result, report } = await repeat(opus, 10_500);
    expect(result).toMatchObject({ repetitions: 11, packets: 525, durationMs: 10_480 });
    expect(report).toMatchObject({ packets: 525, missing: 0, timestampJumps: [], durationMs: 10_480, wallDurationMs: 10_480 });
  });

  test('video: 10 repetitions of 30 VP8 frames read back as 300 whole frames with a keyframe per repetition', async () => {
    const { result, packets, report } = await repeat({ header: videoHeader(), frames: vp8Frames(30, { packetsPerFrame: 3 }) }, 10_000);
    expect(result).toMatchObject({ repetitions: 10, packets: 900, periodMs: 1_000 });
    expect(new Set(stepsOf(packets.map(sequenceOf), 2 ** 16))).toEqual(new Set([1]));
    // Three packets per frame share a timestamp; frames are 3000 ticks (1/30 s) apart, seams included.
    expect(new Set(stepsOf(packets.map(timestampOf), 2 ** 32))).toEqual(new Set([0, 3000]));
    const arrivals = packets.map((packet) => packet.arrivalOffsetMs!);
    expect(stepsOf(arrivals, 2 ** 32).every((step) => step >= 0 && step <= 34)).toBe(true);
    expect(report).toMatchObject({
      kind: 'video',
      codec: 'vp8',
      packets: 900,
      missing: 0,
      outOfOrder: 0,
      timestampJumps: [],
      durationMs: 9_966.667,
      wallDurationMs: 9_967,
      frames: 300,
      keyframes: 10,
      incompleteFrames: 0,
      resolutions: [{ width: 640, height: 360, atMs: 0 }],
    });
  });

  test('reordered packets inside the source stay reordered, and nothing is lost at the seams', async () => {
    const frames = opusFrames(50);
    [frames[10], frames[11]] = [frames[11]!, frames[10]!];
    const { packets, report } = await repeat({ header: audioHeader(), frames }, 5_000);
    expect(packets).toHaveLength(250);
    expect(report).toMatchObject({ packets: 250, orderedPackets: 250, missing: 0, outOfOrder: 5, timestampJumps: [], durationMs: 4_980 });
  });

  test('refuses a source without arrival times', async () => {
    const sourcePath = join(folder, 'old-source.mjr');
    writeFileSync(sourcePath, writeMjr({ version: 'MJR00001', header: audioHeader(), frames: opusFrames(5) }));
    await expect(writeLongRecording({ sourcePath, targetPath: join(folder, 'old-long.mjr'), durationMs: 1_000 })).rejects.toThrow(/MJR00002/);
  });
});
