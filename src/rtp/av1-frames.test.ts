import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { iterateObus, parseAv1SequenceHeader, serializeAv1CodecConfigurationRecord } from '../codec/av1.js';
import { packetizeAv1TemporalUnit } from '../../test/support/av1-packetizer.js';
import { decodeErrors, decodeFrameHashes, ffmpegHas, runFfmpeg, testClipInput } from '../../test/support/ffmpeg-video.js';
import { readIvf, writeIvf } from '../../test/support/ivf.js';
import { muxVideoToMp4 } from '../../test/support/mp4-mux.js';
import { buildRtpStream, runVideoPipeline } from '../../test/support/video-pipeline.js';
import { createAv1FrameBuilder } from './av1-frames.js';

const hex = (text: string): Uint8Array => Uint8Array.from(text.replace(/\s+/g, '').match(/../g)!.map((byte) => parseInt(byte, 16)));

// Witnessed: libaom (realtime, 160x96) sequence header OBU payload.
const SEQ_PAYLOAD = hex('00 00 00 03 b4 fd f3 6b e4 01');
/** OBU elements as RTP carries them (obu_has_size_field = 0) and as samples carry them (= 1, leb128 size). */
const SEQ = hex('08 00 00 00 03 b4 fd f3 6b e4 01');
const SEQ_SIZED = hex('0a 0a 00 00 00 03 b4 fd f3 6b e4 01');
// Invented frame OBUs: first payload byte show_existing_frame 0 | frame_type | show_frame 1.
const KEY_FRAME = hex('30 10 aa bb cc dd');
const KEY_FRAME_SIZED = hex('32 05 10 aa bb cc dd');
const INTER_FRAME = hex('30 30 aa bb');
const INTER_FRAME_SIZED = hex('32 03 30 aa bb');
const TEMPORAL_DELIMITER = hex('10');
const PADDING = hex('78 00 00');

/** Aggregation header Z Y W N, then elements each with a leb128 length (W = 0). */
const packet = (flags: { z?: boolean; y?: boolean; n?: boolean }, ...elements: Uint8Array[]): Uint8Array =>
  Uint8Array.from([(flags.z ? 0x80 : 0) | (flags.y ? 0x40 : 0) | (flags.n ? 0x08 : 0), ...elements.flatMap((element) => [element.length, ...element])]);

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));

describe('createAv1FrameBuilder: building one temporal unit', () => {
  test.each([
    { name: 'sequence header and key frame in one packet', payloads: [packet({ n: true }, SEQ, KEY_FRAME)], data: concat(SEQ_SIZED, KEY_FRAME_SIZED) },
    {
      name: 'W = 2: the last element has no length',
      payloads: [Uint8Array.from([0x28, SEQ.length, ...SEQ, ...KEY_FRAME])],
      data: concat(SEQ_SIZED, KEY_FRAME_SIZED),
    },
    {
      name: 'a frame OBU fragmented over three packets (Y, then Z and Y, then Z)',
      payloads: [packet({ y: true, n: true }, SEQ, KEY_FRAME.subarray(0, 2)), packet({ z: true, y: true }, KEY_FRAME.subarray(2, 4)), packet({ z: true }, KEY_FRAME.subarray(4))],
      data: concat(SEQ_SIZED, KEY_FRAME_SIZED),
    },
    { name: 'temporal delimiter and padding are dropped', payloads: [packet({ n: true }, TEMPORAL_DELIMITER, SEQ, KEY_FRAME, PADDING)], data: concat(SEQ_SIZED, KEY_FRAME_SIZED) },
    { name: 'an element that already has obu_size keeps one', payloads: [packet({ n: true }, SEQ_SIZED, KEY_FRAME_SIZED)], data: concat(SEQ_SIZED, KEY_FRAME_SIZED) },
  ])('$name', ({ payloads, data }) => {
    expect(createAv1FrameBuilder().buildFrame(payloads)).toEqual({ data, keyframe: true, discardable: false, width: 160, height: 96 });
  });

  test('an inter frame is a delta frame; a key frame without sequence header gets the last one prepended', () => {
    const builder = createAv1FrameBuilder();
    builder.buildFrame([packet({ n: true }, SEQ, KEY_FRAME)]);
    expect(builder.buildFrame([packet({}, INTER_FRAME)])).toEqual({ data: INTER_FRAME_SIZED, keyframe: false, discardable: false });
    expect(builder.buildFrame([packet({}, KEY_FRAME)])?.data).toEqual(concat(SEQ_SIZED, KEY_FRAME_SIZED));
  });

  test.each([
    { name: 'a first packet that continues a fragment (Z = 1)', payloads: [packet({ z: true }, KEY_FRAME)] },
    { name: 'a last packet whose OBU continues (Y = 1)', payloads: [packet({ n: true, y: true }, SEQ, KEY_FRAME.subarray(0, 2))] },
    { name: 'a fragment run broken by a packet with Z = 0', payloads: [packet({ n: true, y: true }, SEQ, KEY_FRAME.subarray(0, 2)), packet({}, KEY_FRAME.subarray(2))] },
    { name: 'a key frame when the stream never showed a sequence header', payloads: [packet({}, KEY_FRAME)] },
    { name: 'a sequence header alone', payloads: [packet({ n: true }, SEQ)] },
    { name: 'an OBU with the forbidden bit set', payloads: [packet({ n: true }, SEQ, hex('b0 10 aa'))] },
    { name: 'an element length past the packet', payloads: [hex('00 09 30 10')] },
  ])('$name is unbuildable', ({ payloads }) => {
    expect(createAv1FrameBuilder().buildFrame(payloads)).toBeNull();
  });

  test.each([
    { name: 'sequence header first', payload: packet({ n: true }, SEQ), start: true },
    { name: 'frame OBU first', payload: packet({}, INTER_FRAME), start: true },
    { name: 'continuation (Z = 1)', payload: packet({ z: true }, INTER_FRAME), start: false },
    { name: 'tile group first', payload: packet({}, hex('20 aa')), start: false },
    { name: 'frame OBU of spatial layer 1', payload: packet({}, hex('34 08 30 aa')), start: false },
  ])('isFrameStart: $name → $start', ({ payload, start }) => {
    expect(createAv1FrameBuilder().isFrameStart(payload)).toBe(start);
  });

  test('decoderConfig is the av1C of the first sequence header', () => {
    const builder = createAv1FrameBuilder();
    expect(builder.decoderConfig()).toBeNull();
    builder.buildFrame([packet({ n: true }, SEQ, KEY_FRAME)]);
    expect(builder.decoderConfig()).toEqual(serializeAv1CodecConfigurationRecord(SEQ_SIZED));
    expect(parseAv1SequenceHeader(SEQ_PAYLOAD)).toMatchObject({ maxFrameWidth: 160, maxFrameHeight: 96 });
  });
});

/** av01.P.LLT.DD (AV1-ISOBMFF "Codecs Parameter String") from a sample's sequence header. */
const av1CodecString = (sample: Uint8Array): string => {
  const obu = [...iterateObus(sample)].find((item) => item.type === 1)!;
  const info = parseAv1SequenceHeader(sample.subarray(obu.payloadOffset, obu.payloadOffset + obu.payloadLength));
  const point = info.operatingPoints[0]!;
  return `av01.${info.seqProfile}.${String(point.seqLevelIdx).padStart(2, '0')}${point.seqTier === 1 ? 'H' : 'M'}.${String(info.bitDepth).padStart(2, '0')}`;
};

describe.skipIf(!ffmpegHas.libaomAv1)('AV1 through RTP and back, checked by ffmpeg', () => {
  const folder = mkdtempSync(join(tmpdir(), 'reprise-av1-'));
  const FRAMES = 30;
  const source = join(folder, 'source.ivf');
  runFfmpeg([...testClipInput({ width: 160, height: 96, frames: FRAMES }), '-c:v', 'libaom-av1', '-usage', 'realtime', '-cpu-used', '8', '-g', '10', '-keyint_min', '10', '-b:v', '200k', source]);
  const ivf = readIvf(new Uint8Array(readFileSync(source)));
  const reference = decodeFrameHashes(source).hashes;
  const packetize = (options: { mtu: number; counted: boolean }): Uint8Array[] =>
    buildRtpStream(ivf.frames.map((frame, index) => ({ payloads: packetizeAv1TemporalUnit(frame.data, options), rtpTimestamp: 90_000 + index * 3000 })));
  const writeBuilt = (name: string, frames: readonly { data: Uint8Array; rtpTimestamp: number }[]): string => {
    const path = join(folder, name);
    writeFileSync(path, writeIvf({ fourcc: 'AV01', width: 160, height: 96, timebase: { num: 1, den: 90_000 }, frames: frames.map((frame) => ({ data: frame.data, pts: frame.rtpTimestamp })) }));
    return path;
  };

  test('the reference clip has the expected shape', () => {
    expect(ivf.frames).toHaveLength(FRAMES);
    expect(reference).toHaveLength(FRAMES);
  });

  test.each([
    { mtu: 300, counted: true },
    { mtu: 1200, counted: false },
  ])('packets of at most $mtu bytes (counted W: $counted) decode to the encoder\'s own frames, without temporal delimiters', (options) => {
    const { frames, stats } = runVideoPipeline(packetize(options), createAv1FrameBuilder());
    expect(stats.framesWritten).toBe(FRAMES);
    expect(frames.flatMap((frame, index) => (frame.keyframe ? [index] : []))).toEqual([0, 10, 20]);
    expect(frames[0]).toMatchObject({ width: 160, height: 96 });
    for (const frame of frames) {
      expect([...iterateObus(frame.data)].every((obu) => obu.hasSizeField && obu.type !== 2)).toBe(true);
    }
    const path = writeBuilt(`mtu-${options.mtu}.ivf`, frames);
    expect(decodeErrors(path)).toBe('');
    expect(decodeFrameHashes(path).hashes).toEqual(reference);
  });

  test('an MP4 muxed with the av1C from decoderConfig() decodes to the encoder\'s own frames', async () => {
    const { frames, decoderConfig } = runVideoPipeline(packetize({ mtu: 1200, counted: true }), createAv1FrameBuilder());
    const mp4 = await muxVideoToMp4({ codec: 'av1', codecString: av1CodecString(frames[0]!.data), width: 160, height: 96, description: decoderConfig!, frames });
    const path = join(folder, 'built.mp4');
    writeFileSync(path, mp4);
    expect(decodeErrors(path)).toBe('');
    expect(decodeFrameHashes(path).hashes).toEqual(reference);
  });

  test('a packet lost inside frame 5 drops frames 5-9; the key frame at 10 recovers', () => {
    const packets = packetize({ mtu: 300, counted: true });
    const frameFive = packets.filter((item) => new DataView(item.buffer, item.byteOffset).getUint32(4) === 90_000 + 5 * 3000);
    expect(frameFive.length).toBeGreaterThan(1);
    const { frames, stats } = runVideoPipeline(
      packets.filter((item) => item !== frameFive[0]),
      createAv1FrameBuilder(),
    );
    expect(stats.framesDropped).toMatchObject({ incomplete: 1, dependsOnLost: 4 });
    const path = writeBuilt('lossy.ivf', frames);
    expect(decodeErrors(path)).toBe('');
    expect(decodeFrameHashes(path).hashes).toEqual([...reference.slice(0, 5), ...reference.slice(10)]);
  });
});
