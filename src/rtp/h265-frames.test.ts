import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseHevcSps, serializeHevcDecoderConfigurationRecord } from '../codec/h265.js';
import { joinLengthPrefixed } from '../codec/nal-units.js';
import { samplesToAnnexB } from '../../test/support/annexb.js';
import { captureFfmpegRtp, decodeErrors, decodeFrameHashes, ffmpegHas, runFfmpeg, testClipInput } from '../../test/support/ffmpeg-video.js';
import { packetizeH265AccessUnit, splitH265AccessUnits } from '../../test/support/h265-packetizer.js';
import { muxVideoToMp4 } from '../../test/support/mp4-mux.js';
import { buildRtpStream, runVideoPipeline } from '../../test/support/video-pipeline.js';
import { createH265FrameBuilder } from './h265-frames.js';

const hex = (text: string): Uint8Array => Uint8Array.from(text.replace(/\s+/g, '').match(/../g)!.map((byte) => parseInt(byte, 16)));

// Witnessed: x265 (Main, 64x48) parameter sets.
const VPS = hex('40 01 0c 01 ff ff 01 60 00 00 03 00 90 00 00 03 00 00 03 00 1e 95 98 09');
const SPS = hex('42 01 01 01 60 00 00 03 00 90 00 00 03 00 00 03 00 1e a0 20 83 16 59 59 ae 4c af 01 68 08 00 00 03 00 08 00 00 03 00 f0 40');
const PPS = hex('44 01 c1 73 d0 89');
// Invented slices: 2-byte header (type, TID 0), then first_slice_segment_in_pic_flag = 1 and filler.
const IDR = hex('26 01 af 00 11 22 33');
const CRA = hex('2a 01 af 00 11 22');
const TRAIL_R = hex('02 01 d0 00 11');
const TRAIL_N = hex('00 01 d0 00 11');
const AUD = hex('46 01 50');

const ap = (...units: Uint8Array[]): Uint8Array => Uint8Array.from([0x60, 0x01, ...units.flatMap((unit) => [unit.length >> 8, unit.length & 0xff, ...unit])]);
/** FU packets of `unit`, cut at offsets into its payload (after the 2-byte header). */
const fu = (unit: Uint8Array, ...cuts: number[]): Uint8Array[] => {
  const body = unit.subarray(2);
  const bounds = [0, ...cuts, body.length];
  const type = (unit[0]! >> 1) & 0x3f;
  return bounds.slice(0, -1).map((start, index) => {
    const flags = (index === 0 ? 0x80 : 0) | (index === bounds.length - 2 ? 0x40 : 0);
    return Uint8Array.from([(unit[0]! & 0x81) | (49 << 1), unit[1]!, flags | type, ...body.subarray(start, bounds[index + 1])]);
  });
};

describe('parseHevcSps and serializeHevcDecoderConfigurationRecord', () => {
  test('read the x265 SPS: Main profile, level 30, 64x48, 4:2:0, 8 bits', () => {
    expect(parseHevcSps(SPS)).toMatchObject({
      profileSpace: 0,
      tierFlag: 0,
      profileIdc: 1,
      profileCompatibilityFlags: 0x6000_0000,
      constraintIndicatorFlags: hex('90 00 00 00 00 00'),
      levelIdc: 30,
      maxSubLayersMinus1: 0,
      temporalIdNesting: true,
      chromaFormatIdc: 1,
      width: 64,
      height: 48,
      bitDepthLuma: 8,
      bitDepthChroma: 8,
    });
  });

  test('hvcC: header fields, then VPS, SPS and PPS arrays', () => {
    const hvcC = serializeHevcDecoderConfigurationRecord({ vps: [VPS], sps: [SPS], pps: [PPS] });
    expect([...hvcC.subarray(0, 23)]).toEqual([
      0x01, 0x01, 0x60, 0x00, 0x00, 0x00, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1e, 0xf0, 0x00, 0xfc, 0xfd, 0xf8, 0xf8, 0x00, 0x00, 0x0f, 0x03,
    ]);
    expect([...hvcC.subarray(23, 28)]).toEqual([0xa0, 0x00, 0x01, 0x00, VPS.length]);
    expect(hvcC.length).toBe(23 + 3 * 5 + VPS.length + SPS.length + PPS.length);
  });
});

describe('createH265FrameBuilder: building one access unit', () => {
  test.each([
    { name: 'single NAL units VPS, SPS, PPS, IDR', payloads: [VPS, SPS, PPS, IDR], sample: [VPS, SPS, PPS, IDR] },
    { name: 'AP with the parameter sets, then a fragmented IDR', payloads: [ap(VPS, SPS, PPS), ...fu(IDR, 1, 3)], sample: [VPS, SPS, PPS, IDR] },
    { name: 'access unit delimiter dropped', payloads: [AUD, VPS, SPS, PPS, IDR], sample: [VPS, SPS, PPS, IDR] },
  ])('$name', ({ payloads, sample }) => {
    expect(createH265FrameBuilder().buildFrame(payloads)).toEqual({ data: joinLengthPrefixed(sample), keyframe: true, discardable: false, width: 64, height: 48 });
  });

  test('a CRA sent without parameter sets gets them prepended; TRAIL_N at the top sub-layer is discardable', () => {
    const builder = createH265FrameBuilder();
    builder.buildFrame([VPS, SPS, PPS, IDR]);
    expect(builder.buildFrame([TRAIL_R])).toEqual({ data: joinLengthPrefixed([TRAIL_R]), keyframe: false, discardable: false });
    expect(builder.buildFrame([TRAIL_N])).toEqual({ data: joinLengthPrefixed([TRAIL_N]), keyframe: false, discardable: true });
    expect(builder.buildFrame([CRA])).toEqual({ data: joinLengthPrefixed([VPS, SPS, PPS, CRA]), keyframe: true, discardable: false, width: 64, height: 48 });
    expect(builder.decoderConfig()).toEqual(serializeHevcDecoderConfigurationRecord({ vps: [VPS], sps: [SPS], pps: [PPS] }));
  });

  test.each([
    { name: 'an IRAP when the stream never showed its parameter sets', payloads: [IDR] },
    { name: 'an FU run without its end', payloads: fu(IDR, 1, 3).slice(0, 2) },
    { name: 'an FU run without its start', payloads: fu(IDR, 1, 3).slice(1) },
    { name: 'parameter sets alone', payloads: [VPS, SPS, PPS] },
    { name: 'a PACI packet', payloads: [hex('64 01 00 00 26 01 af')] },
  ])('$name is unbuildable', ({ payloads }) => {
    expect(createH265FrameBuilder().buildFrame(payloads)).toBeNull();
  });

  test.each([
    { name: 'AP opening with a VPS', payload: ap(VPS, SPS), start: true },
    { name: 'first slice of a picture', payload: TRAIL_R, start: true },
    { name: 'a later slice segment', payload: hex('02 01 40 00'), start: false },
    { name: 'first FU of an IDR', payload: fu(IDR, 2)[0]!, start: true },
    { name: 'later FU', payload: fu(IDR, 2)[1]!, start: false },
  ])('isFrameStart: $name → $start', ({ payload, start }) => {
    expect(createH265FrameBuilder().isFrameStart(payload)).toBe(start);
  });
});

/** hvc1 codec string (ISO/IEC 14496-15 Annex E) from an hvcC. */
const hevcCodecString = (hvcC: Uint8Array): string => {
  const view = new DataView(hvcC.buffer, hvcC.byteOffset);
  const space = ['', 'A', 'B', 'C'][hvcC[1]! >> 6]!;
  let compatibility = view.getUint32(2);
  let reversed = 0;
  for (let i = 0; i < 32; i++) {
    reversed = (reversed * 2) | (compatibility & 1);
    compatibility >>>= 1;
  }
  const constraints = [...hvcC.subarray(6, 12)];
  while (constraints.at(-1) === 0) {
    constraints.pop();
  }
  const tier = (hvcC[1]! & 0x20) !== 0 ? 'H' : 'L';
  return ['hvc1', `${space}${hvcC[1]! & 0x1f}`, (reversed >>> 0).toString(16), `${tier}${hvcC[12]}`, ...constraints.map((byte) => byte.toString(16))].join('.');
};

describe.skipIf(!ffmpegHas.libx265)('H.265 through RTP and back, checked by ffmpeg', () => {
  const folder = mkdtempSync(join(tmpdir(), 'reprise-h265-'));
  const FRAMES = 30;
  const source = join(folder, 'source.hevc');
  // x265 sends VPS/SPS/PPS once, at the start; keyframes (CRA) every 10 frames, no B-frames.
  runFfmpeg([...testClipInput({ width: 160, height: 96, frames: FRAMES }), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'keyint=10:min-keyint=10:scenecut=0:bframes=0:log-level=none', '-f', 'hevc', source]);
  const reference = decodeFrameHashes(source).hashes;
  const accessUnits = splitH265AccessUnits(new Uint8Array(readFileSync(source)));
  const packetize = (options: { mtu: number; aggregate: boolean }): Uint8Array[] =>
    buildRtpStream(accessUnits.map((unit, index) => ({ payloads: packetizeH265AccessUnit(unit, options), rtpTimestamp: 90_000 + index * 3000 })));
  const decodeBuilt = (name: string, frames: readonly { data: Uint8Array }[]): { errors: string; hashes: string[] } => {
    const path = join(folder, name);
    writeFileSync(path, samplesToAnnexB(frames));
    return { errors: decodeErrors(path), hashes: decodeFrameHashes(path).hashes };
  };

  test('the reference clip has the expected shape', () => {
    expect(accessUnits).toHaveLength(FRAMES);
    expect(reference).toHaveLength(FRAMES);
  });

  test('packets from FFmpeg\'s RTP muxer decode to the encoder\'s own frames', async () => {
    const packets = await captureFfmpegRtp(['-i', source, '-c:v', 'copy', '-strict', 'experimental'], 400);
    const { frames, stats, decoderConfig } = runVideoPipeline(packets, createH265FrameBuilder());
    expect(stats.framesWritten).toBe(FRAMES);
    expect(frames.flatMap((frame, index) => (frame.keyframe ? [index] : []))).toEqual([0, 10, 20]);
    expect(frames[0]).toMatchObject({ width: 160, height: 96 });
    expect(decoderConfig).not.toBeNull();
    const decoded = decodeBuilt('rtp-muxer.hevc', frames);
    expect(decoded.errors).toBe('');
    expect(decoded.hashes).toEqual(reference);
  });

  test('a recording that misses its first keyframe starts at the next CRA, with the parameter sets prepended', () => {
    // The first access unit carries VPS/SPS/PPS; lose only its slices, as if the IDR's packets were lost.
    const packets = buildRtpStream(
      accessUnits.map((unit, index) => ({
        payloads: packetizeH265AccessUnit(index === 0 ? unit.filter((nal) => [32, 33, 34].includes((nal[0]! >> 1) & 0x3f)) : unit, { mtu: 300, aggregate: true }),
        rtpTimestamp: 90_000 + index * 3000,
      })),
    );
    const { frames, stats } = runVideoPipeline(packets, createH265FrameBuilder());
    expect(stats.framesDropped).toMatchObject({ unbuildable: 1, beforeKeyframe: 9 });
    expect(frames[0]?.keyframe).toBe(true);
    const decoded = decodeBuilt('no-first-keyframe.hevc', frames);
    expect(decoded.errors).toBe('');
    expect(decoded.hashes).toEqual(reference.slice(10));
  });

  test('a packet lost inside frame 5 drops frames 5-9; the CRA at 10 recovers', () => {
    const packets = packetize({ mtu: 300, aggregate: true });
    const frameFive = packets.filter((item) => new DataView(item.buffer, item.byteOffset).getUint32(4) === 90_000 + 5 * 3000);
    expect(frameFive.length).toBeGreaterThan(1);
    const { frames, stats } = runVideoPipeline(
      packets.filter((item) => item !== frameFive[1]),
      createH265FrameBuilder(),
    );
    expect(stats.framesDropped).toMatchObject({ incomplete: 1, dependsOnLost: 4 });
    const decoded = decodeBuilt('lossy.hevc', frames);
    expect(decoded.errors).toBe('');
    expect(decoded.hashes).toEqual([...reference.slice(0, 5), ...reference.slice(10)]);
  });

  test('an MP4 muxed with the hvcC from decoderConfig() decodes to the encoder\'s own frames', async () => {
    const { frames, decoderConfig } = runVideoPipeline(packetize({ mtu: 1000, aggregate: true }), createH265FrameBuilder());
    const mp4 = await muxVideoToMp4({ codec: 'hevc', codecString: hevcCodecString(decoderConfig!), width: 160, height: 96, description: decoderConfig!, frames });
    const path = join(folder, 'built.mp4');
    writeFileSync(path, mp4);
    expect(decodeErrors(path)).toBe('');
    expect(decodeFrameHashes(path).hashes).toEqual(reference);
  });
});
