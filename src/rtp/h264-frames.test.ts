import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { serializeAvcDecoderConfigurationRecord } from '../codec/h264.js';
import { joinLengthPrefixed } from '../codec/nal-units.js';
import { samplesToAnnexB } from '../../test/support/annexb.js';
import { captureFfmpegRtp, decodeErrors, decodeFrameHashes, ffmpegHas, runFfmpeg, testClipInput } from '../../test/support/ffmpeg-video.js';
import { avcCodecString, muxVideoToMp4 } from '../../test/support/mp4-mux.js';
import { packetizeH264AccessUnit, splitH264AccessUnits } from '../../test/support/h264-packetizer.js';
import { buildRtpStream, runVideoPipeline } from '../../test/support/video-pipeline.js';
import { createH264FrameBuilder } from './h264-frames.js';

/** NAL unit types of a length-prefixed sample. */
const nalTypesOf = (sample: Uint8Array): number[] => {
  const types: number[] = [];
  for (let offset = 0; offset < sample.length; ) {
    const length = new DataView(sample.buffer, sample.byteOffset).getUint32(offset);
    types.push(sample[offset + 4]! & 0x1f);
    offset += 4 + length;
  }
  return types;
};

const hex = (text: string): Uint8Array => Uint8Array.from(text.replace(/\s+/g, '').match(/../g)!.map((byte) => parseInt(byte, 16)));

// Witnessed: x264 (baseline, 64x48) SPS and PPS.
const SPS = hex('67 42 c0 0a dc 47 b0 11 00 00 03 00 01 00 00 03 00 3c 0f 12 27 80');
const PPS = hex('68 ce 0f c8');
// Invented slices: NAL header, then first_mb_in_slice = 0 ('1' bit) and filler.
const IDR = hex('65 88 84 00 33 ff');
const P_SLICE = hex('41 9a 02 04 08');
const P_SLICE_NON_REF = hex('01 9e 02 04 08');
const AUD = hex('09 f0');
const FILLER = hex('0c ff ff 80');

const stapA = (...units: Uint8Array[]): Uint8Array =>
  Uint8Array.from([0x78, ...units.flatMap((unit) => [unit.length >> 8, unit.length & 0xff, ...unit])]);
/** FU-A fragments of `unit`: `cuts` are offsets into the NAL unit payload (after its header). */
const fuA = (unit: Uint8Array, ...cuts: number[]): Uint8Array[] => {
  const body = unit.subarray(1);
  const bounds = [0, ...cuts, body.length];
  return bounds.slice(0, -1).map((start, index) => {
    const flags = (index === 0 ? 0x80 : 0) | (index === bounds.length - 2 ? 0x40 : 0);
    return Uint8Array.from([(unit[0]! & 0xe0) | 28, flags | (unit[0]! & 0x1f), ...body.subarray(start, bounds[index + 1])]);
  });
};

describe('createH264FrameBuilder: building one access unit', () => {
  test.each([
    { name: 'single NAL units SPS, PPS, IDR', payloads: [SPS, PPS, IDR], sample: [SPS, PPS, IDR], keyframe: true, discardable: false },
    { name: 'STAP-A with SPS and PPS, then a fragmented IDR', payloads: [stapA(SPS, PPS), ...fuA(IDR, 2, 3)], sample: [SPS, PPS, IDR], keyframe: true, discardable: false },
    { name: 'STAP-A holding the whole access unit', payloads: [stapA(SPS, PPS, IDR)], sample: [SPS, PPS, IDR], keyframe: true, discardable: false },
    { name: 'access unit delimiter and filler data are dropped', payloads: [AUD, SPS, PPS, IDR, FILLER], sample: [SPS, PPS, IDR], keyframe: true, discardable: false },
  ])('$name', ({ payloads, sample, keyframe, discardable }) => {
    const frame = createH264FrameBuilder().buildFrame(payloads);
    expect(frame).toEqual({ data: joinLengthPrefixed(sample), keyframe, discardable, width: 64, height: 48 });
  });

  test.each([
    { name: 'reference P slice', slice: P_SLICE, discardable: false },
    { name: 'P slice with nal_ref_idc 0', slice: P_SLICE_NON_REF, discardable: true },
  ])('a $name is a delta frame, discardable: $discardable', ({ slice, discardable }) => {
    const builder = createH264FrameBuilder();
    builder.buildFrame([SPS, PPS, IDR]);
    expect(builder.buildFrame([slice])).toEqual({ data: joinLengthPrefixed([slice]), keyframe: false, discardable });
  });

  test('an IDR sent without SPS/PPS gets the last ones seen prepended', () => {
    const builder = createH264FrameBuilder();
    builder.buildFrame([SPS, PPS, IDR]);
    builder.buildFrame([P_SLICE]);
    expect(builder.buildFrame([IDR])?.data).toEqual(joinLengthPrefixed([SPS, PPS, IDR]));
    expect(builder.buildFrame([PPS, IDR])?.data).toEqual(joinLengthPrefixed([SPS, PPS, IDR]));
  });

  test.each([
    { name: 'an IDR when the stream never showed SPS/PPS', payloads: [IDR] },
    { name: 'an FU-A run without its end', payloads: fuA(IDR, 2, 3).slice(0, 2) },
    { name: 'an FU-A run without its start', payloads: fuA(IDR, 2, 3).slice(1) },
    { name: 'an FU-A run interrupted by a single NAL unit', payloads: [fuA(IDR, 2)[0]!, P_SLICE] },
    { name: 'parameter sets alone', payloads: [SPS, PPS] },
    { name: 'a STAP-B (interleaved mode)', payloads: [hex('59 00 00 00 04 65 88 84 00')] },
    { name: 'a STAP-A whose size runs past the packet', payloads: [hex('78 00 09 67 42')] },
  ])('$name is unbuildable', ({ payloads }) => {
    expect(createH264FrameBuilder().buildFrame(payloads)).toBeNull();
  });

  test('decoderConfig is the avcC of the first SPS/PPS seen, and stays so', () => {
    const builder = createH264FrameBuilder();
    expect(builder.decoderConfig()).toBeNull();
    builder.buildFrame([SPS, PPS, IDR]);
    const avcC = builder.decoderConfig();
    expect(avcC).toEqual(serializeAvcDecoderConfigurationRecord({ sps: [SPS], pps: [PPS] }));
    // configurationVersion 1, profile 66, constraints 0xc0, level 10, 4-byte lengths, one SPS of 22 bytes.
    expect([...avcC!.subarray(0, 8)]).toEqual([0x01, 0x42, 0xc0, 0x0a, 0xff, 0xe1, 0x00, 0x16]);
    builder.buildFrame([hex('67 42 c0 1e dc 47 b0 11 00 00 03 00 01 00 00 03 00 3c 0f 12 27 80'), PPS, IDR]);
    expect(builder.decoderConfig()).toBe(avcC);
  });
});

describe('createH264FrameBuilder: where a frame starts', () => {
  test.each([
    { name: 'STAP-A opening with an SPS', payload: stapA(SPS, PPS), start: true },
    { name: 'SEI', payload: hex('06 05 01 00 80'), start: true },
    { name: 'access unit delimiter', payload: AUD, start: true },
    { name: 'slice with first_mb_in_slice 0', payload: P_SLICE, start: true },
    { name: 'slice with first_mb_in_slice 5 (a second slice)', payload: hex('41 30 00'), start: false },
    { name: 'first FU-A fragment of an IDR', payload: fuA(IDR, 2)[0]!, start: true },
    { name: 'later FU-A fragment', payload: fuA(IDR, 2)[1]!, start: false },
    { name: 'empty-bodied FU-A', payload: hex('7c'), start: false },
  ])('$name: $start', ({ payload, start }) => {
    expect(createH264FrameBuilder().isFrameStart(payload)).toBe(start);
  });
});

describe.skipIf(!ffmpegHas.libx264)('H.264 through RTP and back, checked by ffmpeg', () => {
  const folder = mkdtempSync(join(tmpdir(), 'reprise-h264-'));
  const FRAMES = 30;
  const source = join(folder, 'source.h264');
  // WebRTC-like: constrained baseline would do too; High without B-frames, keyframe every 10 frames.
  runFfmpeg([...testClipInput({ width: 176, height: 144, frames: FRAMES }), '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '0', '-g', '10', '-keyint_min', '10', '-sc_threshold', '0', '-bsf:v', 'h264_mp4toannexb', '-f', 'h264', source]);
  const reference = decodeFrameHashes(source);
  const accessUnits = splitH264AccessUnits(new Uint8Array(readFileSync(source)));

  const rtpFromOwnPacketizer = (options: { mtu: number; aggregate: boolean; stripParameterSetsAfterFirst?: boolean }): Uint8Array[] =>
    buildRtpStream(
      accessUnits.map((unit, index) => {
        const units = options.stripParameterSetsAfterFirst === true && index > 0 ? unit.filter((nal) => ![7, 8].includes(nal[0]! & 0x1f)) : unit;
        return { payloads: packetizeH264AccessUnit(units, options), rtpTimestamp: 90_000 + index * 3000 };
      }),
    );

  const decodeBuilt = (name: string, frames: readonly { data: Uint8Array }[]): { errors: string; hashes: string[]; dimensions: string } => {
    const path = join(folder, name);
    writeFileSync(path, samplesToAnnexB(frames));
    return { errors: decodeErrors(path), ...decodeFrameHashes(path) };
  };

  test('the reference clip has the expected shape', () => {
    expect(accessUnits).toHaveLength(FRAMES);
    expect(reference.hashes).toHaveLength(FRAMES);
  });

  test('packets from FFmpeg\'s RTP muxer decode to the encoder\'s own frames', async () => {
    const packets = await captureFfmpegRtp(['-i', source, '-c:v', 'copy'], 400);
    const { frames, stats, decoderConfig } = runVideoPipeline(packets, createH264FrameBuilder());
    expect(stats.framesWritten).toBe(FRAMES);
    expect(frames.filter((frame) => frame.keyframe).map((frame) => frames.indexOf(frame))).toEqual([0, 10, 20]);
    expect(frames[0]).toMatchObject({ width: 176, height: 144 });
    expect(decoderConfig).not.toBeNull();
    const decoded = decodeBuilt('rtp-muxer.h264', frames);
    expect(decoded.errors).toBe('');
    expect(decoded.dimensions).toBe('176x144');
    expect(decoded.hashes).toEqual(reference.hashes);
  });

  test('STAP-A and FU-A packets, and IDRs sent without SPS/PPS, decode to the encoder\'s own frames', () => {
    const { frames, stats } = runVideoPipeline(rtpFromOwnPacketizer({ mtu: 300, aggregate: true, stripParameterSetsAfterFirst: true }), createH264FrameBuilder());
    expect(stats.framesWritten).toBe(FRAMES);
    for (const keyframe of frames.filter((frame) => frame.keyframe)) {
      expect(nalTypesOf(keyframe.data).slice(0, 2)).toEqual([7, 8]);
    }
    const decoded = decodeBuilt('own-packetizer.h264', frames);
    expect(decoded.errors).toBe('');
    expect(decoded.hashes).toEqual(reference.hashes);
  });

  test('an MP4 muxed with the avcC from decoderConfig() decodes to the encoder\'s own frames', async () => {
    const { frames, decoderConfig } = runVideoPipeline(rtpFromOwnPacketizer({ mtu: 1000, aggregate: true }), createH264FrameBuilder());
    const mp4 = await muxVideoToMp4({ codec: 'avc', codecString: avcCodecString(decoderConfig!), width: 176, height: 144, description: decoderConfig!, frames });
    const path = join(folder, 'built.mp4');
    writeFileSync(path, mp4);
    expect(decodeErrors(path)).toBe('');
    expect(decodeFrameHashes(path).hashes).toEqual(reference.hashes);
  });

  test('a packet lost inside frame 5 drops frames 5-9; the keyframe at 10 recovers and everything written decodes', () => {
    const packets = rtpFromOwnPacketizer({ mtu: 300, aggregate: true });
    const frameFivePackets = packets.filter((packet) => new DataView(packet.buffer, packet.byteOffset).getUint32(4) === 90_000 + 5 * 3000);
    expect(frameFivePackets.length).toBeGreaterThan(2);
    const lossy = packets.filter((packet) => packet !== frameFivePackets[1]);
    const { frames, stats } = runVideoPipeline(lossy, createH264FrameBuilder());
    expect(stats.framesDropped).toMatchObject({ incomplete: 1, dependsOnLost: 4 });
    const decoded = decodeBuilt('lossy.h264', frames);
    expect(decoded.errors).toBe('');
    expect(decoded.hashes).toEqual([...reference.hashes.slice(0, 5), ...reference.hashes.slice(10)]);
  });

  test('a recording that misses its first keyframe starts at the next one', () => {
    const packets = rtpFromOwnPacketizer({ mtu: 300, aggregate: true });
    const lossy = packets.filter((packet) => new DataView(packet.buffer, packet.byteOffset).getUint32(4) !== 90_000);
    const { frames, stats } = runVideoPipeline(lossy, createH264FrameBuilder());
    expect(stats.framesDropped.beforeKeyframe).toBe(9);
    expect(frames[0]?.keyframe).toBe(true);
    const decoded = decodeBuilt('no-first-keyframe.h264', frames);
    expect(decoded.errors).toBe('');
    expect(decoded.hashes).toEqual(reference.hashes.slice(10));
  });
});
