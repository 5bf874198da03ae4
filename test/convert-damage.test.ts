/**
 * Damaged recordings still convert to decodable files of the right length: real recordings (VP8 video and Opus
 * audio from the fixture meeting) damaged the way production recordings are.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { convertFiles } from '../src/api/convert.js';
import {
  changeSsrc,
  dropFirstFrame,
  losePackets,
  readRecording,
  silenceSpan,
  wrapAround,
  wrapInRed,
  writeRecording,
  type Recording,
} from './support/damage.js';
import { decodeMonoPcm, decodeWarnings, frameDigests, probe } from './support/decode-check.js';

const REAL = join(import.meta.dirname, 'fixtures', 'real');
const out = mkdtempSync(join(tmpdir(), 'reprise-convert-damage-'));
const fixture = (pattern: RegExp): string => join(REAL, readdirSync(REAL).find((name) => pattern.test(name))!);

const VIDEO = readRecording(fixture(/user-1003-.*-video-1\.mjr$/));
const AUDIO = readRecording(fixture(/user-1003-.*-audio-0\.mjr$/));
const wallMs = (recording: Recording): number => recording.frames.at(-1)!.arrivalOffsetMs! - recording.frames[0]!.arrivalOffsetMs!;

const convert = async (name: string, bytes: Uint8Array, ext: string) => {
  const input = join(out, `${name}.mjr`);
  writeFileSync(input, bytes);
  const output = join(out, `${name}.${ext}`);
  const report = await convertFiles({ inputs: [input], output });
  return { output, report, durationSec: Number(probe(output).format.duration) };
};

describe('damaged video (VP8)', () => {
  test('first keyframe missing: starts clean at the next keyframe, at its wall-clock offset', async () => {
    const { output, report } = await convert('no-first-keyframe', writeRecording(dropFirstFrame(VIDEO)), 'webm');
    expect(decodeWarnings(output)).toBe('');
    const track = report.tracks[0]!;
    expect(track.framesDropped['beforeKeyframe']).toBeGreaterThan(100);
    // The output starts at that keyframe, and says which wall-clock instant that is.
    const firstPacketUs = (JSON.parse(VIDEO.header) as { u: number }).u;
    expect((track.startUs - firstPacketUs) / 1000).toBeGreaterThan(5000);
    expect(track.firstKeyframeMs).toBe(0);
    expect(frameDigests(output, 'v').length).toBe(track.framesWritten);
  });

  test('lost packets: broken frames and their dependents dropped until a keyframe; the rest decodes cleanly', async () => {
    const { output, report, durationSec } = await convert('lost-packets', writeRecording(losePackets(VIDEO, 150)), 'webm');
    expect(decodeWarnings(output)).toBe('');
    const dropped = report.tracks[0]!.framesDropped;
    expect((dropped['incomplete'] ?? 0) + (dropped['lost'] ?? 0)).toBeGreaterThan(0);
    expect(dropped['dependsOnLost']).toBeGreaterThan(0);
    expect(report.tracks[0]!.missingPackets).toBe(Math.floor((VIDEO.frames.length + 7) / 150));
    expect(durationSec * 1000).toBeLessThanOrEqual(wallMs(VIDEO) + 100);
  });

  test('sequence numbers and timestamps wrapping mid-recording: no gap, same frames as unwrapped', async () => {
    const plain = await convert('plain', writeRecording(VIDEO), 'webm');
    const wrapped = await convert('wrapped', writeRecording(wrapAround(VIDEO, 0.5)), 'webm');
    expect(decodeWarnings(wrapped.output)).toBe('');
    expect(frameDigests(wrapped.output, 'v')).toEqual(frameDigests(plain.output, 'v'));
    expect(wrapped.durationSec).toBeCloseTo(plain.durationSec, 2);
  });

  test('SSRC change half-way (SIP re-INVITE): both halves kept, on the wall clock', async () => {
    const { output, report, durationSec } = await convert('ssrc-change', writeRecording(changeSsrc(VIDEO, 0.5)), 'webm');
    expect(decodeWarnings(output)).toBe('');
    expect(report.tracks[0]!.ssrcChanges).toBe(1);
    expect(Math.abs(durationSec * 1000 - wallMs(VIDEO))).toBeLessThan(300);
  });

  test('truncated file (a crash mid-write): every whole frame kept, length up to the cut', async () => {
    const bytes = writeRecording(VIDEO);
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.6) + 5);
    const { output, report, durationSec } = await convert('truncated', cut, 'webm');
    expect(decodeWarnings(output)).toBe('');
    expect(report.tracks[0]!.skippedBytes).toBeGreaterThan(0);
    expect(durationSec * 1000).toBeGreaterThan(wallMs(VIDEO) * 0.5);
    expect(durationSec * 1000).toBeLessThan(wallMs(VIDEO) * 0.7);
  });
});

describe('damaged audio (Opus)', () => {
  test('DTX: a 3 s pause is filled with silence, so the audio keeps its wall-clock length', async () => {
    const { output, report, durationSec } = await convert('dtx', writeRecording(silenceSpan(AUDIO, 4000, 7000)), 'opus');
    expect(decodeWarnings(output)).toBe('');
    expect(report.tracks[0]!.gapsFilled!.ms).toBeGreaterThanOrEqual(2980);
    expect(Math.abs(durationSec * 1000 - wallMs(AUDIO))).toBeLessThan(40);
    const pcm = decodeMonoPcm(output);
    const quiet = pcm.subarray(48 * 4100, 48 * 6900);
    expect(quiet.every((sample) => sample === 0)).toBe(true);
  });

  test('lost packets: gaps filled, length kept', async () => {
    const { output, report, durationSec } = await convert('audio-loss', writeRecording(losePackets(AUDIO, 20)), 'opus');
    expect(decodeWarnings(output)).toBe('');
    expect(report.tracks[0]!.gapsFilled!.frames).toBe(report.tracks[0]!.missingPackets);
    expect(Math.abs(durationSec * 1000 - wallMs(AUDIO))).toBeLessThan(40);
  });

  test('RED: lost packets are recovered from the redundancy of the next one', async () => {
    const clean = await convert('red-clean', writeRecording(wrapInRed(AUDIO, 63)), 'opus');
    const lossy = await convert('red-lossy', writeRecording(losePackets(wrapInRed(AUDIO, 63), 20)), 'opus');
    const plain = await convert('red-reference', writeRecording(AUDIO), 'opus');
    expect(decodeWarnings(lossy.output)).toBe('');
    expect(lossy.report.tracks[0]!.recoveredFromRed).toBe(lossy.report.tracks[0]!.missingPackets);
    expect(lossy.report.tracks[0]!.gapsFilled!.frames).toBe(0);
    // Every packet is back: the decoded audio equals the undamaged recording's.
    expect(Buffer.from(decodeMonoPcm(lossy.output).buffer).equals(Buffer.from(decodeMonoPcm(plain.output).buffer))).toBe(true);
    expect(Buffer.from(decodeMonoPcm(clean.output).buffer).equals(Buffer.from(decodeMonoPcm(plain.output).buffer))).toBe(true);
  });

  test('timestamps and sequence numbers wrapping: the same audio as unwrapped', async () => {
    const plain = await convert('audio-plain', writeRecording(AUDIO), 'opus');
    const wrapped = await convert('audio-wrapped', writeRecording(wrapAround(AUDIO, 0.3)), 'opus');
    expect(Buffer.from(decodeMonoPcm(wrapped.output).buffer).equals(Buffer.from(decodeMonoPcm(plain.output).buffer))).toBe(true);
  });
});
