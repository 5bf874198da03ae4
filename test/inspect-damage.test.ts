/**
 * `inspect` on synthetic recordings carrying each kind of damage real Janus recordings show
 * (shared/docs/mjr-format.md §2.12 and §5), written by test/support/mjr-writer.ts.
 */
import { describe, expect, test } from 'vitest';
import { inspectRecords } from '../src/inspect/index.js';
import { parseMjrBytes } from '../src/mjr/index.js';
import { concatBytes } from '../src/shared/bytes.js';
import {
  audioHeader,
  buildRtpPacket,
  FIRST_PACKET_US,
  opusFrames,
  opusPayload,
  videoHeader,
  vp8Frames,
  writeMjr,
  type MjrFile,
  type MjrFrame,
} from './support/mjr-writer.js';

const inspect = (file: MjrFile | Uint8Array) => inspectRecords(parseMjrBytes(file instanceof Uint8Array ? file : writeMjr(file)));

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> => {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

/** Rewrites one RTP field of a recorded packet (the writer's packets are plain buffers). */
const withTimestamp = (frame: MjrFrame, add: number): MjrFrame => {
  const bytes = frame.bytes.slice();
  const view = new DataView(bytes.buffer);
  view.setUint32(4, (view.getUint32(4) + add) >>> 0);
  return { ...frame, bytes };
};

describe('a clean VP8 recording', () => {
  test('counts packets, frames, keyframes and the size from the keyframe header', async () => {
    const report = await inspect({ header: videoHeader(), frames: vp8Frames(90) });
    expect(report).toMatchObject({
      version: 'MJR00002',
      kind: 'video',
      codec: 'vp8',
      firstPacketUs: FIRST_PACKET_US,
      packets: 180,
      missing: 0,
      duplicates: 0,
      outOfOrder: 0,
      frames: 90,
      keyframes: 3,
      firstKeyframeMs: 0,
      incompleteFrames: 0,
      resolutions: [{ width: 640, height: 360, atMs: 0 }],
      ssrcChanges: [],
      timestampJumps: [],
      skippedBytes: 0,
    });
    expect(report.durationMs).toBeCloseTo((89 * 1000) / 30, 3);
    expect(report.wallDurationMs).toBe(2967);
  });

  test('a size change is reported with the time it starts', async () => {
    const frames = [...vp8Frames(30, { width: 640, height: 360 }), ...vp8Frames(30, { width: 320, height: 180 }).map((frame) => withTimestamp(frame, 90_000))];
    // The second half restarts its sequence numbers: renumber to keep one stream.
    const renumbered = frames.map((frame, index) => {
      const bytes = frame.bytes.slice();
      new DataView(bytes.buffer).setUint16(2, index + 1);
      return { arrivalOffsetMs: Math.round(index / 2 / 0.03), bytes };
    });
    const report = await inspect({ header: videoHeader(), frames: renumbered });
    // Arrival times are whole milliseconds, so the timeline may sit a fraction of a millisecond off RTP time.
    expect(report.resolutions).toEqual([
      { width: 640, height: 360, atMs: 0 },
      { width: 320, height: 180, atMs: expect.closeTo(1000, 0) },
    ]);
  });
});

describe('damage', () => {
  test('first keyframe missing: the time of the first one is reported', async () => {
    const report = await inspect({ header: videoHeader(), frames: vp8Frames(60, { firstKeyframe: false }) });
    expect(report).toMatchObject({ keyframes: 1, firstKeyframeMs: expect.closeTo(1000, 0) });
  });

  test('lost packets: missing sequence numbers and incomplete frames', async () => {
    const frames = vp8Frames(30).filter((_, index) => index !== 11 && index !== 20 && index !== 21);
    const report = await inspect({ header: videoHeader(), frames });
    // Frame 5 lost its last packet; frame 10 was lost whole (counted in missing, not as a frame).
    expect(report).toMatchObject({ packets: 57, missing: 3, frames: 29, incompleteFrames: 1 });
  });

  test('duplicated and swapped packets: counted, and the stream is whole again', async () => {
    const frames = vp8Frames(30);
    const damaged = [...frames.slice(0, 10), frames[11]!, frames[10]!, frames[11]!, ...frames.slice(12)];
    const report = await inspect({ header: videoHeader(), frames: damaged });
    expect(report).toMatchObject({ packets: 61, orderedPackets: 60, duplicates: 1, outOfOrder: 1, missing: 0, incompleteFrames: 0 });
  });

  test('padding-only and header-only packets are counted and dropped', async () => {
    const frames = opusFrames(10);
    const padding = buildRtpPacket({ payloadType: 111, sequenceNumber: 11, timestamp: 9600, payload: new Uint8Array(0), paddingLength: 100 });
    const headerOnly = buildRtpPacket({ payloadType: 111, sequenceNumber: 12, timestamp: 9600, payload: new Uint8Array(0) });
    const report = await inspect({ header: audioHeader(), frames: [...frames, { arrivalOffsetMs: 200, bytes: padding }, { arrivalOffsetMs: 200, bytes: headerOnly }, { arrivalOffsetMs: 200, bytes: new Uint8Array(5) }] });
    expect(report).toMatchObject({ packets: 13, orderedPackets: 10, paddingOnly: 1, tooShort: 2 });
  });

  test('SSRC change half-way: kept and reported (janus-pp-rec drops everything after it)', async () => {
    const frames = [...opusFrames(50), ...opusFrames(50, { ssrc: 0xabcdef, firstSequence: 30000, firstTimestamp: 777 }).map((frame) => ({ ...frame, arrivalOffsetMs: frame.arrivalOffsetMs! + 1000 }))];
    const report = await inspect({ header: audioHeader(), frames });
    expect(report).toMatchObject({ packets: 100, orderedPackets: 100, missing: 0, ssrcChanges: [{ fromSsrc: 0x12345678, toSsrc: 0xabcdef, atMs: 1000 }] });
    expect(report.durationMs).toBeCloseTo(49 * 20 * 2, 6);
  });

  test('a +10 s RTP timestamp jump is reported and re-anchored on arrival', async () => {
    const frames = vp8Frames(60).map((frame, index) => (index >= 60 ? withTimestamp(frame, 900_000) : frame));
    const report = await inspect({ header: videoHeader(), frames });
    expect(report.timestampJumps).toEqual([{ atMs: 1000, rtpDeltaMs: 10_033.333, arrivalDeltaMs: 33 }]);
    expect(report.durationMs).toBeCloseTo((59 * 1000) / 30 + 10_000, 3);
    expect(report.wallDurationMs).toBe(1967);
  });

  test('Opus timestamps and sequence numbers crossing their wraps: no gap, no jump', async () => {
    const report = await inspect({ header: audioHeader(), frames: opusFrames(200, { firstSequence: 65500, firstTimestamp: 0xffff_ffff - 960 * 100 }) });
    expect(report).toMatchObject({ missing: 0, timestampJumps: [], dtxGapCount: 0, lossGapCount: 0 });
    expect(report.durationMs).toBeCloseTo(199 * 20, 6);
  });

  test('DTX: a pause with consecutive sequence numbers is a DTX gap, not loss', async () => {
    const frames = opusFrames(100).map((frame, index) => (index >= 50 ? { ...withTimestamp(frame, 96_000), arrivalOffsetMs: frame.arrivalOffsetMs! + 2000 } : frame));
    const report = await inspect({ header: audioHeader(), frames });
    expect(report).toMatchObject({ dtxGapCount: 1, dtxGaps: [{ atMs: 1000, durationMs: 2000 }], lossGapCount: 0, missing: 0, timestampJumps: [] });
  });

  test('RED-wrapped Opus: packet durations come from the primary block', async () => {
    // 60 ms Opus packets (TOC config 3: SILK NB 60 ms) every 2880 ticks, wrapped in RED (PT 63).
    const primary = opusPayload(30);
    primary[0] = 3 << 3;
    const frames = Array.from({ length: 20 }, (_, index) => ({
      arrivalOffsetMs: index * 60,
      bytes: buildRtpPacket({ payloadType: 63, sequenceNumber: index + 1, timestamp: index * 2880, payload: concatBytes([new Uint8Array([111]), primary]) }),
    }));
    const report = await inspect({ header: audioHeader({ or: 63 }), frames });
    expect(report).toMatchObject({ redPayloadType: 63, dtxGapCount: 0, lossGapCount: 0 });
  });

  test('audio levels (RFC 6464) are read through the header extmap', async () => {
    const frames = opusFrames(10).map((frame, index) => ({
      ...frame,
      bytes: buildRtpPacket({
        payloadType: 111,
        sequenceNumber: index + 1,
        timestamp: index * 960,
        extensions: { profile: 'one-byte', elements: [{ id: 1, data: new Uint8Array([index < 4 ? 0x80 | 20 : 127]) }] },
        payload: opusPayload(),
      }),
    }));
    const report = await inspect({ header: audioHeader({ x: { '1': 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' } }), frames });
    expect(report).toMatchObject({ audioLevelPackets: 10, voiceActivityPackets: 4, extmap: { 1: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' } });
  });

  test('truncated tail and garbage in the middle: bytes skipped, every intact packet kept', async () => {
    const clean = writeMjr({ header: audioHeader(), frames: opusFrames(20) });
    const frameLength = (clean.length - (10 + ((clean[8]! << 8) | clean[9]!))) / 20;
    const middle = clean.length - 10 * frameLength;
    const damaged = concatBytes([clean.subarray(0, middle), new Uint8Array(13).fill(0xee), clean.subarray(middle, clean.length - 9)]);
    const report = await inspect(damaged);
    expect(report).toMatchObject({ packets: 19, missing: 0, suspect: 1, skippedBytes: 13 + frameLength - 9 });
    expect(report.skipped.map((run) => run.reason)).toEqual(['garbage', 'truncated']);
  });

  test('an 8-byte file (the recorder never got media) is a coded error', async () => {
    expect(await codeOf(inspect(new TextEncoder().encode('MJR00002')))).toBe('MJR_EMPTY');
  });

  test('an end-to-end encrypted recording is refused with a coded error', async () => {
    expect(await codeOf(inspect({ header: audioHeader({ e: true }), frames: opusFrames(3) }))).toBe('MJR_E2EE');
  });

  test('a header over 1500 bytes is read', async () => {
    const report = await inspect({ header: audioHeader({ d: 'camera '.repeat(400) }), frames: opusFrames(3) });
    expect(report.description).toHaveLength(2800);
  });
});

describe('data channels', () => {
  test('messages are counted with their wall-clock times', async () => {
    const frames = [0, 2, 4].map((second) => ({ arrivalOffsetMs: second * 1000, timeUs: FIRST_PACKET_US + second * 1_000_000, bytes: new TextEncoder().encode(`hello ${second}`) }));
    const report = await inspect({ header: { t: 'd', c: 'text', s: FIRST_PACKET_US - 5, u: FIRST_PACKET_US }, frames });
    expect(report).toMatchObject({ kind: 'data', messages: 3, messageBytes: 21, firstMessageUs: FIRST_PACKET_US, lastMessageUs: FIRST_PACKET_US + 4_000_000, wallDurationMs: 4000 });
  });
});
