/**
 * The fMP4 reader against real segments (ffmpeg's HLS segmenter and plain fragmented MP4 in several
 * layouts), checked against ffprobe's packets and mediabunny's codec strings; then invented cases for the
 * defaults and offsets ffmpeg never exercises, and damaged input.
 */
import { ALL_FORMATS, BufferSource, Input } from 'mediabunny';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ascii,
  box,
  buildInit,
  buildMdat,
  buildMoof,
  buildStyp,
  fullBox,
  NON_SYNC_FLAGS,
  SYNC_FLAGS,
  type TrafSpec,
  zeros,
} from '../../test/support/hls-bmff-writer.js';
import { canEncodeHls, encodeFragmentedMp4, encodeHls, probeFile, withTempFile, type HlsOutput, type ProbedPacket } from '../../test/support/hls-fixtures.js';
import { concatBytes } from '../shared/bytes.js';
import { isRepriseError } from '../shared/errors.js';
import { parseInitSegment, parseMediaSegment, type InitSegment, type MediaSegment } from './fmp4.js';

const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return isRepriseError(error) ? error.code : `not a RepriseError: ${String(error)}`;
  }
  return 'no error';
};

const mediabunnyCodecs = async (bytes: Uint8Array): Promise<string[]> => {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  const tracks = await input.getTracks();
  return Promise.all(tracks.map(async (track) => (await track.getCodecParameterString()) ?? ''));
};

/** ffprobe's packets of one stream whose bytes lie in [start, end) of the probed file, in decode order. */
const packetsIn = (packets: readonly ProbedPacket[], streamIndex: number, start: number, end: number): ProbedPacket[] =>
  packets.filter((packet) => packet.streamIndex === streamIndex && packet.pos >= start && packet.pos < end);

/**
 * Checks every traf of `segments` (each a byte slice starting at `fileOffsets[i]` of `file`) against what
 * ffprobe reports for the same bytes: sample counts, durations, tfdt steps, keyframe flags, first-sample bytes.
 */
const expectMatchesFfprobe = (file: Uint8Array, init: InitSegment, parsed: readonly MediaSegment[], fileOffsets: readonly number[]): void => {
  const probe = withTempFile([file], probeFile);
  init.tracks.forEach((track, streamIndex) => {
    expect(probe.streams[streamIndex]!.timeBase).toBe(`1/${track.timescale}`);
    const streamPackets = probe.packets.filter((packet) => packet.streamIndex === streamIndex);
    parsed.forEach((segment, segmentIndex) => {
      for (const fragment of segment.fragments) {
        const traf = fragment.tracks.find((entry) => entry.trackId === track.trackId);
        if (traf === undefined) {
          continue;
        }
        const base = fileOffsets[segmentIndex]!;
        const packets = packetsIn(probe.packets, streamIndex, base + fragment.mdatOffset, base + fragment.mdatOffset + fragment.mdatSize);
        expect(traf.sampleCount).toBe(packets.length);
        // ffprobe reports codec frame durations (1024 for AAC) rather than trun's; its dts steps are the truth.
        const last = packets[packets.length - 1]!;
        const following = streamPackets.find((packet) => packet.dts > last.dts);
        if (following === undefined) {
          // The stream's very last sample may be trimmed in trun (AAC end padding); ffprobe still says 1024.
          expect(traf.durationTicks).toBeGreaterThan(last.dts - packets[0]!.dts);
          expect(traf.durationTicks).toBeLessThanOrEqual(last.dts + last.duration - packets[0]!.dts);
        } else {
          expect(traf.durationTicks).toBe(following.dts - packets[0]!.dts);
        }
        expect(traf.firstSampleIsKeyframe).toBe(packets[0]!.keyframe);
        expect(traf.firstSample).toEqual({ byteOffset: packets[0]!.pos - base, byteLength: packets[0]!.size });
        expect(traf.baseMediaDecodeTime).toBe(packets[0]!.dts);
      }
    });
  });
};

describe.skipIf(!canEncodeHls)('real segments from ffmpeg', () => {
  let hls: HlsOutput;
  let init: InitSegment;
  let parsed: MediaSegment[];

  beforeAll(() => {
    hls = encodeHls({ width: 320, height: 240, frameRate: 30, seconds: 8, gopFrames: 60, segmentSec: 2 });
    init = parseInitSegment(hls.init);
    parsed = hls.segments.map((segment) => parseMediaSegment(segment.bytes, init));
  });
  afterAll(() => hls?.remove());

  test('init: tracks, timescales, sizes and codec strings agree with ffprobe and mediabunny', async () => {
    const all = concatBytes([hls.init, ...hls.segments.map((segment) => segment.bytes)]);
    const probe = withTempFile([all], probeFile);
    const [video, audio] = init.tracks;
    expect(init.tracks).toHaveLength(2);
    expect(video).toMatchObject({ trackId: 1, kind: 'video', width: 320, height: 240 });
    expect(audio).toMatchObject({ trackId: 2, kind: 'audio', channelCount: 2, sampleRate: 48_000, codec: 'mp4a.40.2' });
    const avcC = probe.streams[0]!.extradata;
    const hex = (byte: number): string => byte.toString(16).padStart(2, '0');
    expect(video!.codec).toBe(`avc1.${hex(avcC[1]!)}${hex(avcC[2]!)}${hex(avcC[3]!)}`);
    expect(video!.codec).toBe(`avc1.64${hex(0)}${hex(probe.streams[0]!.level!)}`); // High, no constraint flags
    expect(probe.streams[1]).toMatchObject({ profile: 'LC', sampleRate: 48_000, channels: 2 });
    expect(await mediabunnyCodecs(all)).toEqual([video!.codec, audio!.codec]);
  });

  test('media: one fragment per segment, each opening on a keyframe, as ffprobe sees them', () => {
    expect(parsed).toHaveLength(4);
    for (const [index, segment] of parsed.entries()) {
      expect(segment.byteLength).toBe(hls.segments[index]!.bytes.length);
      expect(segment.fragments).toHaveLength(1);
      const video = segment.fragments[0]!.tracks.find((track) => track.trackId === 1)!;
      expect(video).toMatchObject({ sampleCount: 60, durationTicks: 2 * init.tracks[0]!.timescale, firstSampleIsKeyframe: true });
      expect(video.baseMediaDecodeTime).toBe(index * 2 * init.tracks[0]!.timescale);
    }
    const offsets: number[] = [];
    let offset = hls.init.length;
    for (const segment of hls.segments) {
      offsets.push(offset);
      offset += segment.bytes.length;
    }
    expectMatchesFfprobe(concatBytes([hls.init, ...hls.segments.map((segment) => segment.bytes)]), init, parsed, offsets);
  });

  test.each([
    ['baseline', /^avc1\.42c0[0-9a-f]{2}$/],
    ['main', /^avc1\.4d40[0-9a-f]{2}$/],
    ['high', /^avc1\.6400[0-9a-f]{2}$/],
  ])('H.264 %s profile: the codec string carries profile, constraint flags and level', async (profile, pattern) => {
    const small = encodeHls({ width: 64, height: 48, frameRate: 15, seconds: 2, gopFrames: 15, segmentSec: 1, audio: false, outputArgs: ['-profile:v', profile] });
    try {
      const { tracks } = parseInitSegment(small.init);
      expect(tracks).toHaveLength(1);
      expect(tracks[0]!.codec).toMatch(pattern);
      expect(await mediabunnyCodecs(concatBytes([small.init, small.segments[0]!.bytes]))).toEqual([tracks[0]!.codec]);
    } finally {
      small.remove();
    }
  });
});

describe.skipIf(!canEncodeHls)('fragmented MP4 layouts', () => {
  /** Splits a whole fragmented file at its first moof: the init part and one long "segment" of many fragments. */
  const split = (file: Uint8Array): { init: Uint8Array; media: Uint8Array; mediaOffset: number } => {
    let offset = 0;
    while (offset + 8 <= file.length) {
      const size = new DataView(file.buffer, file.byteOffset + offset).getUint32(0);
      if (String.fromCharCode(...file.subarray(offset + 4, offset + 8)) === 'moof') {
        break;
      }
      offset += size;
    }
    return { init: file.subarray(0, offset), media: file.subarray(offset), mediaOffset: offset };
  };

  test.each([
    // One moof per track, absolute tfhd base-data-offset: the parser must rebase by byteOffsetInFile.
    ['separate_moof with base-data-offset', 'frag_keyframe+empty_moov+separate_moof'],
    // default-base-is-moof with video and audio trafs in one moof.
    ['default_base_moof, two trafs per moof', 'frag_keyframe+empty_moov+default_base_moof'],
    // No base offset and no default-base-is-moof: the first traf's base is the moof.
    ['omit_tfhd_offset, one traf per moof', 'frag_keyframe+empty_moov+separate_moof+omit_tfhd_offset'],
    // CMAF brand and layout.
    ['cmaf', 'frag_keyframe+empty_moov+cmaf'],
  ])('%s: every fragment agrees with ffprobe', (_name, movflags) => {
    const file = encodeFragmentedMp4(movflags, 400_000);
    const { init: initBytes, media, mediaOffset } = split(file);
    const init = parseInitSegment(initBytes);
    const parsed = parseMediaSegment(media, init, { byteOffsetInFile: mediaOffset });
    expect(parsed.fragments.length).toBeGreaterThan(8);
    expect(init.tracks.map((track) => track.kind)).toEqual(['video', 'audio']);
    expectMatchesFfprobe(file, init, [parsed], [mediaOffset]);
    const videoFragments = parsed.fragments.flatMap((fragment) => fragment.tracks.filter((track) => track.trackId === 1));
    expect(videoFragments.some((track) => !track.firstSampleIsKeyframe)).toBe(true); // 400 ms fragments, 1 s GOP
    expect(videoFragments.reduce((sum, track) => sum + track.sampleCount, 0)).toBe(100);
  });
});

describe('invented segments', () => {
  const init = parseInitSegment(
    buildInit([
      { trackId: 1, kind: 'video', timescale: 90_000, trex: { durationTicks: 3000, byteLength: 0, flags: NON_SYNC_FLAGS } },
      { trackId: 2, kind: 'audio', timescale: 48_000, trex: { durationTicks: 1024, byteLength: 10, flags: 0 } },
    ]),
  );

  /** Builds moof + mdat, with trun data offsets filled in relative to the moof (they do not change its size). */
  const fragmentWith = (trafs: (moofSize: number) => TrafSpec[], mdatPayload: number[]): Uint8Array => {
    const moofSize = buildMoof(1, trafs(0)).length;
    return concatBytes([buildMoof(1, trafs(moofSize)), buildMdat(mdatPayload)]);
  };

  test('init: trex defaults, codecs from avcC and the AudioSpecificConfig', () => {
    expect(init.tracks).toEqual([
      { trackId: 1, kind: 'video', timescale: 90_000, codec: 'avc1.64001f', width: 640, height: 360, sampleDefaults: { durationTicks: 3000, byteLength: 0, flags: NON_SYNC_FLAGS } },
      { trackId: 2, kind: 'audio', timescale: 48_000, codec: 'mp4a.40.2', channelCount: 2, sampleRate: 48_000, sampleDefaults: { durationTicks: 1024, byteLength: 10, flags: 0 } },
    ]);
    const heAac = parseInitSegment(buildInit([{ trackId: 7, kind: 'audio', timescale: 44_100, config: [0x2b, 0x92, 0x08, 0x00] }]));
    expect(heAac.tracks[0]).toMatchObject({ codec: 'mp4a.40.5', channelCount: 2, sampleRate: 44_100 }); // core 22.05 kHz, SBR output 44.1 kHz
    const escaped = parseInitSegment(buildInit([{ trackId: 3, kind: 'audio', timescale: 48_000, config: [0xf8, 0x01, 0x88, 0x00] }]));
    expect(escaped.tracks[0]!.codec).toBe('mp4a.40.32'); // audioObjectType 31 escape: 32 + 0
  });

  test('trex defaults apply when tfhd and trun say nothing; first_sample_flags marks the keyframe', () => {
    const bytes = fragmentWith(
      (moofSize) => [{ trackId: 1, baseMediaDecodeTime: 180_000, defaultSize: 100, truns: [{ dataOffset: moofSize + 8, firstSampleFlags: SYNC_FLAGS, samples: [{}, {}, {}] }] }],
      new Array<number>(300).fill(7),
    );
    const parsed = parseMediaSegment(bytes, init);
    const moofSize = bytes.length - 308;
    expect(parsed).toEqual({
      byteLength: bytes.length,
      fragments: [
        {
          moofOffset: 0,
          mdatOffset: moofSize,
          mdatSize: 308,
          tracks: [{ trackId: 1, baseMediaDecodeTime: 180_000, durationTicks: 9000, sampleCount: 3, firstSampleIsKeyframe: true, firstSample: { byteOffset: moofSize + 8, byteLength: 100 } }],
        },
      ],
    });
  });

  test('per-sample fields win over tfhd defaults, which win over trex', () => {
    const bytes = fragmentWith(
      (moofSize) => [
        {
          trackId: 1,
          baseMediaDecodeTime: 0,
          tfdtVersion: 0,
          defaultDuration: 1000,
          defaultFlags: SYNC_FLAGS,
          defaultBaseIsMoof: true,
          truns: [{ dataOffset: moofSize + 8, samples: [{ duration: 1500, size: 40, flags: NON_SYNC_FLAGS, compositionOffset: 3000 }, { duration: 2500, size: 60, flags: SYNC_FLAGS, compositionOffset: 0 }] }],
        },
      ],
      new Array<number>(100).fill(0),
    );
    const track = parseMediaSegment(bytes, init).fragments[0]!.tracks[0]!;
    expect(track).toMatchObject({ durationTicks: 4000, sampleCount: 2, firstSampleIsKeyframe: false, firstSample: { byteLength: 40 } });
  });

  test('a trun without data_offset continues after the previous run; a second traf starts after the first one\'s data', () => {
    // No base-data-offset, no default-base-is-moof: traf 1's base is the moof; traf 2's base is the end of traf 1's data.
    const bytes = fragmentWith(
      (moofSize) => [
        { trackId: 1, baseMediaDecodeTime: 0, truns: [{ dataOffset: moofSize + 8, firstSampleFlags: SYNC_FLAGS, samples: [{ size: 30 }, { size: 20 }] }, { samples: [{ size: 25 }] }] },
        { trackId: 2, baseMediaDecodeTime: 0, truns: [{ samples: [{}, {}, {}] }] },
      ],
      new Array<number>(30 + 20 + 25 + 3 * 10).fill(1),
    );
    const [video, audio] = parseMediaSegment(bytes, init).fragments[0]!.tracks;
    const dataStart = bytes.length - 105;
    expect(video).toMatchObject({ sampleCount: 3, durationTicks: 9000, firstSampleIsKeyframe: true, firstSample: { byteOffset: dataStart, byteLength: 30 } });
    expect(audio).toMatchObject({ sampleCount: 3, durationTicks: 3072, firstSampleIsKeyframe: true, firstSample: { byteOffset: dataStart + 75, byteLength: 10 } });
  });

  test('several moof/mdat pairs after styp and sidx-like boxes', () => {
    const fragment = (time: number): Uint8Array =>
      fragmentWith((moofSize) => [{ trackId: 2, baseMediaDecodeTime: time, defaultBaseIsMoof: true, truns: [{ dataOffset: moofSize + 8, samples: [{}, {}] }] }], new Array<number>(20).fill(2));
    const bytes = concatBytes([buildStyp(), fragment(0), fragment(2048), fragment(4096)]);
    const parsed = parseMediaSegment(bytes, init);
    expect(parsed.fragments.map((entry) => entry.tracks[0]!.baseMediaDecodeTime)).toEqual([0, 2048, 4096]);
    expect(parsed.fragments.map((entry) => entry.moofOffset)).toEqual([24, 24 + fragment(0).length, 24 + 2 * fragment(0).length]);
  });

  test('a trun declaring 2^32−1 samples with no per-sample fields costs nothing and is checked against the mdat', () => {
    const bytes = fragmentWith(
      (moofSize) => [{ trackId: 1, baseMediaDecodeTime: 0, defaultSize: 1, truns: [{ dataOffset: moofSize + 8, samples: [], sampleCount: 0xffff_ffff }] }],
      [0, 0, 0],
    );
    expect(codeOf(() => parseMediaSegment(bytes, init))).toBe('HLS_BAD_SEGMENT');
  });

  const good = fragmentWith(
    (moofSize) => [{ trackId: 1, baseMediaDecodeTime: 0, truns: [{ dataOffset: moofSize + 8, firstSampleFlags: SYNC_FLAGS, samples: [{ size: 4 }] }] }],
    [1, 2, 3, 4],
  );

  test.each<[string, () => Uint8Array]>([
    ['empty', () => new Uint8Array()],
    ['seven bytes', () => good.subarray(0, 7)],
    ['truncated in the moof', () => good.subarray(0, 40)],
    ['truncated mdat', () => good.subarray(0, good.length - 1)],
    ['moof without mdat', () => buildMoof(1, [{ trackId: 1, baseMediaDecodeTime: 0, truns: [] }])],
    ['mdat without moof', () => buildMdat([1, 2, 3])],
    ['only a styp', () => buildStyp()],
    ['box size smaller than its header', () => Uint8Array.from([0, 0, 0, 4, 0x6d, 0x6f, 0x6f, 0x66])],
    ['64-bit size past 2^53', () => Uint8Array.from([0, 0, 0, 1, 0x6d, 0x64, 0x61, 0x74, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
    ['traf for an unknown track', () => fragmentWith(() => [{ trackId: 9, baseMediaDecodeTime: 0, truns: [] }], [])],
    ['traf without tfdt', () => fragmentWith(() => [{ trackId: 1, baseMediaDecodeTime: 0, omitTfdt: true, truns: [] }], [])],
    ['data offset pointing before the mdat', () => fragmentWith(() => [{ trackId: 1, baseMediaDecodeTime: 0, truns: [{ dataOffset: 0, samples: [{ size: 4 }] }] }], [1, 2, 3, 4])],
    ['negative data offset', () => fragmentWith(() => [{ trackId: 1, baseMediaDecodeTime: 0, truns: [{ dataOffset: -100, samples: [{ size: 4 }] }] }], [1, 2, 3, 4])],
    ['sample running past the mdat', () => fragmentWith((moofSize) => [{ trackId: 1, baseMediaDecodeTime: 0, truns: [{ dataOffset: moofSize + 8, samples: [{ size: 5 }] }] }], [1, 2, 3, 4])],
    ['garbage', () => Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff)],
  ])('media segment: %s → HLS_BAD_SEGMENT', (_name, makeBytes) => {
    expect(codeOf(() => parseMediaSegment(makeBytes(), init))).toBe('HLS_BAD_SEGMENT');
  });

  const goodInit = buildInit([{ trackId: 1, kind: 'video', timescale: 90_000 }]);

  test.each<[string, () => Uint8Array, string]>([
    ['empty', () => new Uint8Array(), 'HLS_BAD_SEGMENT'],
    ['no moov', () => goodInit.subarray(0, 24), 'HLS_BAD_SEGMENT'],
    ['truncated moov', () => goodInit.subarray(0, goodInit.length - 20), 'HLS_BAD_SEGMENT'],
    ['no mvex', () => concatBytes([box('ftyp', ascii('iso6')), box('moov', fullBox('mvhd', 0, 0, zeros(96)))]), 'HLS_BAD_SEGMENT'],
    ['no tracks', () => buildInit([]), 'HLS_BAD_SEGMENT'],
    ['mdhd timescale 0', () => buildInit([{ trackId: 1, kind: 'video', timescale: 0 }]), 'HLS_BAD_SEGMENT'],
    ['truncated AudioSpecificConfig', () => buildInit([{ trackId: 1, kind: 'audio', timescale: 48_000, config: [0xf8] }]), 'HLS_BAD_SEGMENT'],
    [
      'unsupported sample entry',
      () => {
        const bytes = goodInit.slice();
        const at = Buffer.from(bytes).indexOf('avc1');
        bytes.set([0x76, 0x70, 0x30, 0x39], at); // vp09
        return bytes;
      },
      'CODEC_UNSUPPORTED',
    ],
  ])('init segment: %s → %s', (_name, makeBytes, code) => {
    expect(codeOf(() => parseInitSegment(makeBytes()))).toBe(code);
  });
});
