import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseVp9Superframe } from '../codec/vp9.js';
import { serializeVp9Superframe } from '../codec/vp9-superframe.js';
import { captureFfmpegRtp, decodeErrors, decodeFrameHashes, ffmpegHas, hasFfmpeg, runFfmpeg, testClipInput } from '../../test/support/ffmpeg-video.js';
import { readIvf, writeIvf, type IvfFile } from '../../test/support/ivf.js';
import { buildRtpStream, runVideoPipeline } from '../../test/support/video-pipeline.js';
import { packetizeVp9Picture, type Vp9PictureOptions } from '../../test/support/vp9-packetizer.js';
import { createVp9FrameBuilder } from './vp9-frames.js';

const hex = (text: string): Uint8Array => Uint8Array.from(text.replace(/\s+/g, '').match(/../g)!.map((byte) => parseInt(byte, 16)));

// Invented VP9 frame starts (uncompressed header, VP9 spec §6.2), then filler:
// keyframe, profile 0, shown, 64x48: 10 0 0 | 0 1 0 | sync 49 83 42 | cs 0 range 0 | 63 47
const KEY = hex('82 49 83 42 00 03 f0 02 f0 aa bb');
// inter frame, shown, refresh_frame_flags 0x01 / 0x00 (after reset_frame_context 00)
const INTER_REF = hex('86 00 40 aa bb');
const INTER_NON_REF = hex('86 00 00 aa bb');

/** Descriptor octets: I=0, flags as given (B, E, P, L...), then the VP9 bytes. */
const payload = (descriptor: number[], bytes: Uint8Array): Uint8Array => Uint8Array.from([...descriptor, ...bytes]);
const B = 0x08;
const E = 0x04;

describe('createVp9FrameBuilder: building one picture', () => {
  test.each([
    { name: 'one packet keyframe', payloads: [payload([B | E], KEY)], data: KEY, keyframe: true, discardable: false, size: { width: 64, height: 48 } },
    {
      name: 'keyframe split over two packets',
      payloads: [payload([B], KEY.subarray(0, 4)), payload([E], KEY.subarray(4))],
      data: KEY,
      keyframe: true,
      discardable: false,
      size: { width: 64, height: 48 },
    },
    { name: 'inter frame that refreshes a slot', payloads: [payload([0x40 | B | E], INTER_REF)], data: INTER_REF, keyframe: false, discardable: false },
    { name: 'inter frame that refreshes nothing', payloads: [payload([0x40 | B | E], INTER_NON_REF)], data: INTER_NON_REF, keyframe: false, discardable: true },
    {
      name: 'two frames of one picture (hidden frame sent as its own layer frame) become a superframe',
      payloads: [payload([0x40 | B | E], INTER_REF), payload([0x40 | B | E], INTER_NON_REF)],
      data: serializeVp9Superframe([INTER_REF, INTER_NON_REF]),
      keyframe: false,
      discardable: false,
    },
    {
      name: 'spatial layers: L=1 SID 0 and 1, non-flexible, SS with resolutions; sized from the SS top layer',
      payloads: [
        payload([0x20 | B | E | 0x02, 0x00, 0x05, 0x30, 0x00, 0x20, 0x00, 0x18, 0x00, 0x40, 0x00, 0x30], KEY),
        payload([0x20 | B | E, 0x03, 0x05], INTER_NON_REF),
      ],
      data: serializeVp9Superframe([KEY, INTER_NON_REF]),
      keyframe: true,
      discardable: false,
      size: { width: 64, height: 48 },
    },
  ])('$name', ({ payloads, data, keyframe, discardable, size }) => {
    expect(createVp9FrameBuilder().buildFrame(payloads)).toEqual({ data, keyframe, discardable, ...size });
  });

  test.each([
    { name: 'first packet without B', payloads: [payload([E], KEY)] },
    { name: 'descriptor with nothing after it', payloads: [hex('8c')] },
    { name: 'bytes that are no VP9 frame header', payloads: [payload([B | E], hex('00 00 00'))] },
    { name: 'nine frames in one picture (a superframe holds 8)', payloads: Array.from({ length: 9 }, () => payload([B | E], INTER_REF)) },
  ])('$name is unbuildable', ({ payloads }) => {
    expect(createVp9FrameBuilder().buildFrame(payloads)).toBeNull();
  });

  test.each([
    { name: 'B on the base layer', payload: payload([B], KEY), start: true },
    { name: 'no B', payload: payload([E], KEY), start: false },
    { name: 'B on spatial layer 1', payload: payload([0x20 | B, 0x02, 0x00], KEY), start: false },
    { name: 'B with L=1 on spatial layer 0', payload: payload([0x20 | B, 0x00, 0x00], KEY), start: true },
  ])('isFrameStart: $name → $start', ({ payload: bytes, start }) => {
    expect(createVp9FrameBuilder().isFrameStart(bytes)).toBe(start);
  });
});

const RTP_TICKS_PER_FRAME = 3000;

/** Packetizes IVF pictures: each superframe's frames become layer frames (spatial ids in order when `svc`). */
const packetizeIvf = (ivf: IvfFile, options: Pick<Vp9PictureOptions, 'mode' | 'mtu' | 'resolutions'> & { svc: boolean; temporalLayers?: number }) =>
  buildRtpStream(
    ivf.frames.map((frame, index) => {
      const ranges = parseVp9Superframe(frame.data);
      const temporalId = index % (options.temporalLayers ?? 1);
      const layers = options.svc
        ? ranges.map(({ offset, length }, spatialId) => ({ spatialId, temporalId, data: frame.data.subarray(offset, offset + length) }))
        : ranges.map(({ offset, length }) => ({ spatialId: 0, temporalId, data: frame.data.subarray(offset, offset + length) }));
      const keyframe = (frame.data[0]! & 0x04) === 0 && (frame.data[0]! & 0x08) === 0;
      const payloads = packetizeVp9Picture(layers, {
        ...options,
        pictureId: index,
        tl0PicIdx: Math.floor(index / (options.temporalLayers ?? 1)),
        keyframe,
        layerIndices: options.svc,
      });
      return { payloads, rtpTimestamp: 90_000 + index * RTP_TICKS_PER_FRAME };
    }),
  );

/** Drops the null muxer's notices about frames sharing a timestamp, which are no decoding errors. */
const withoutTimestampNotices = (stderr: string): string =>
  stderr
    .split('\n')
    .filter((line) => !/non monotonically increasing dts|Last message repeated/.test(line))
    .join('\n')
    .trim();

const timestampOf = (packet: Uint8Array): number => new DataView(packet.buffer, packet.byteOffset).getUint32(4);

describe.skipIf(!ffmpegHas.libvpxVp9)('VP9 through RTP and back, checked by ffmpeg', () => {
  const folder = mkdtempSync(join(tmpdir(), 'reprise-vp9-'));
  const FRAMES = 30;
  const writeBuilt = (name: string, frames: readonly { data: Uint8Array; rtpTimestamp: number }[], width: number, height: number): string => {
    const path = join(folder, name);
    writeFileSync(path, writeIvf({ fourcc: 'VP90', width, height, timebase: { num: 1, den: 90_000 }, frames: frames.map((frame) => ({ data: frame.data, pts: frame.rtpTimestamp })) }));
    return path;
  };

  // WebRTC-like: real-time, no hidden frames; keyframe every 10 frames.
  const realtime = join(folder, 'realtime.ivf');
  runFfmpeg([...testClipInput({ width: 160, height: 96, frames: FRAMES }), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-g', '10', '-keyint_min', '10', '-b:v', '300k', realtime]);
  // With alt-ref frames (two-pass: libvpx makes them only then): superframes of a hidden frame and a shown one.
  const altref = join(folder, 'altref.ivf');
  const altrefArgs = [...testClipInput({ width: 160, height: 96, frames: FRAMES }), '-c:v', 'libvpx-vp9', '-deadline', 'good', '-cpu-used', '4', '-g', '10', '-keyint_min', '10', '-auto-alt-ref', '1', '-lag-in-frames', '16', '-b:v', '300k', '-passlogfile', join(folder, 'pass')];
  runFfmpeg([...altrefArgs, '-pass', '1', '-f', 'null', '-']);
  runFfmpeg([...altrefArgs, '-pass', '2', altref]);

  test('packets from FFmpeg\'s RTP muxer decode to the encoder\'s own frames', async () => {
    const packets = await captureFfmpegRtp(['-i', realtime, '-c:v', 'copy', '-strict', 'experimental'], 300);
    const { frames, stats } = runVideoPipeline(packets, createVp9FrameBuilder());
    expect(stats.framesWritten).toBe(FRAMES);
    expect(frames.flatMap((frame, index) => (frame.keyframe ? [index] : []))).toEqual([0, 10, 20]);
    expect(frames[0]).toMatchObject({ width: 160, height: 96 });
    const path = writeBuilt('rtp-muxer.ivf', frames, 160, 96);
    expect(decodeErrors(path)).toBe('');
    expect(decodeFrameHashes(path).hashes).toEqual(decodeFrameHashes(realtime).hashes);
  });

  test.each(['flexible', 'non-flexible'] as const)('hidden alt-ref frames sent as separate layer frames (%s mode) are rejoined into superframes', (mode) => {
    const ivf = readIvf(new Uint8Array(readFileSync(altref)));
    expect(ivf.frames.some((frame) => parseVp9Superframe(frame.data).length > 1)).toBe(true);
    const { frames, stats } = runVideoPipeline(packetizeIvf(ivf, { mode, mtu: 200, svc: false }), createVp9FrameBuilder());
    expect(stats.framesWritten).toBe(ivf.frames.length);
    const path = writeBuilt(`altref-${mode}.ivf`, frames, 160, 96);
    expect(decodeErrors(path)).toBe('');
    expect(decodeFrameHashes(path).hashes).toEqual(decodeFrameHashes(altref).hashes);
  });

  test('a packet lost inside picture 5 drops pictures 5-9; the keyframe at 10 recovers', () => {
    const ivf = readIvf(new Uint8Array(readFileSync(realtime)));
    const packets = packetizeIvf(ivf, { mode: 'flexible', mtu: 100, svc: false });
    const pictureFive = packets.filter((packet) => timestampOf(packet) === 90_000 + 5 * RTP_TICKS_PER_FRAME);
    expect(pictureFive.length).toBeGreaterThan(1);
    const { frames, stats } = runVideoPipeline(
      packets.filter((packet) => packet !== pictureFive[0]),
      createVp9FrameBuilder(),
    );
    expect(stats.framesDropped).toMatchObject({ incomplete: 1, dependsOnLost: 4 });
    const path = writeBuilt('lossy.ivf', frames, 160, 96);
    expect(decodeErrors(path)).toBe('');
    const reference = decodeFrameHashes(realtime).hashes;
    expect(decodeFrameHashes(path).hashes).toEqual([...reference.slice(0, 5), ...reference.slice(10)]);
  });

  test('a recording that misses its first keyframe starts at the next one', () => {
    const ivf = readIvf(new Uint8Array(readFileSync(realtime)));
    const packets = packetizeIvf(ivf, { mode: 'non-flexible', mtu: 300, svc: false }).filter((packet) => timestampOf(packet) !== 90_000);
    const { frames, stats } = runVideoPipeline(packets, createVp9FrameBuilder());
    expect(stats.framesDropped.beforeKeyframe).toBe(9);
    const path = writeBuilt('no-first-keyframe.ivf', frames, 160, 96);
    expect(decodeErrors(path)).toBe('');
    expect(decodeFrameHashes(path).hashes).toEqual(decodeFrameHashes(realtime).hashes.slice(10));
  });
});

describe.skipIf(!hasFfmpeg)('VP9 SVC (3 spatial x 2 temporal layers, libvpx) through RTP and back', () => {
  const folder = mkdtempSync(join(tmpdir(), 'reprise-vp9-svc-'));
  const fixture = join(import.meta.dirname, '../../test/fixtures/codec/vp9-svc-l3t2.ivf');
  const ivf = readIvf(new Uint8Array(readFileSync(fixture)));
  const resolutions = [
    { width: 80, height: 46 },
    { width: 160, height: 90 },
    { width: 320, height: 180 },
  ];
  const writeBuilt = (name: string, frames: readonly { data: Uint8Array; rtpTimestamp: number }[]): string => {
    const path = join(folder, name);
    writeFileSync(path, writeIvf({ fourcc: 'VP90', width: 320, height: 180, timebase: { num: 1, den: 90_000 }, frames: frames.map((frame) => ({ data: frame.data, pts: frame.rtpTimestamp })) }));
    return path;
  };
  const libvpx = ['-c:v', 'libvpx-vp9'];

  test('the fixture holds one 3-layer superframe per picture, keyframes at 0 and 10', () => {
    expect(ivf.frames).toHaveLength(20);
    expect(ivf.frames.every((frame) => parseVp9Superframe(frame.data).length === 3)).toBe(true);
  });

  test.each(['flexible', 'non-flexible'] as const)('%s mode: every picture becomes a superframe of all its layers, decoding as the encoder\'s output does', (mode) => {
    const packets = packetizeIvf(ivf, { mode, mtu: 400, svc: true, temporalLayers: 2, resolutions });
    const { frames, stats } = runVideoPipeline(packets, createVp9FrameBuilder());
    expect(stats.framesWritten).toBe(20);
    expect(frames.flatMap((frame, index) => (frame.keyframe ? [index] : []))).toEqual([0, 10]);
    expect(frames[0]).toMatchObject({ width: 320, height: 180 });
    const path = writeBuilt(`svc-${mode}.ivf`, frames);
    // libvpx shows the top layer only: one 320x180 frame per picture.
    expect(decodeErrors(path, libvpx)).toBe('');
    const viaLibvpx = decodeFrameHashes(path, libvpx);
    expect(viaLibvpx.dimensions).toBe('320x180');
    expect(viaLibvpx.hashes).toEqual(decodeFrameHashes(fixture, libvpx).hashes);
    expect(viaLibvpx.hashes).toHaveLength(20);
    // FFmpeg's native decoder also decodes it cleanly, showing every layer frame as the encoder coded it
    // (three frames per picture, hence the null muxer's complaints about repeated timestamps).
    expect(withoutTimestampNotices(decodeErrors(path))).toBe('');
    expect(decodeFrameHashes(path).hashes).toEqual(decodeFrameHashes(fixture).hashes);
  });

  test('a lost packet in an upper layer drops the picture and its dependents until the keyframe', () => {
    const packets = packetizeIvf(ivf, { mode: 'flexible', mtu: 400, svc: true, temporalLayers: 2, resolutions });
    const pictureThree = packets.filter((packet) => timestampOf(packet) === 90_000 + 3 * RTP_TICKS_PER_FRAME);
    const { frames, stats } = runVideoPipeline(
      packets.filter((packet) => packet !== pictureThree.at(-1)),
      createVp9FrameBuilder(),
    );
    expect(stats.framesDropped).toMatchObject({ incomplete: 1, dependsOnLost: 6 });
    const path = writeBuilt('svc-lossy.ivf', frames);
    expect(decodeErrors(path, libvpx)).toBe('');
    const reference = decodeFrameHashes(fixture, libvpx).hashes;
    expect(decodeFrameHashes(path, libvpx).hashes).toEqual([...reference.slice(0, 3), ...reference.slice(10)]);
  });
});
