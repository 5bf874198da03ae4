import { describe, expect, test } from 'vitest';
import { OPUS_SILENCE_FRAME_20MS, getOpusPacketDurationUs, parseOpusToc, serializeOpusHead } from './opus.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** A packet with real leading bytes, zero-filled to its real length (bodies do not matter here). */
const packet = (head: string, length: number): Uint8Array => {
  const bytes = new Uint8Array(length);
  bytes.set(hex(head));
  return bytes;
};

describe('parseOpusToc', () => {
  const cases = [
    // Real: the TOC of every packet libopus sent over RTP for a 440 Hz tone (ffmpeg -c:a libopus -f rtp).
    { name: '0xf8 CELT fullband 20 ms mono, one frame', byte: 0xf8, expected: { config: 31, mode: 'celt', bandwidth: 'fullband', frameDurationUs: 20_000, stereo: false, frameCountCode: 0 } },
    // Real: libopus -application voip -b:a 12k.
    { name: '0x48 SILK wideband 20 ms', byte: 0x48, expected: { config: 9, mode: 'silk', bandwidth: 'wideband', frameDurationUs: 20_000, stereo: false, frameCountCode: 0 } },
    // Real: libopus -frame_duration 40 (two hybrid frames, code 2).
    { name: '0x7a hybrid fullband 20 ms, code 2', byte: 0x7a, expected: { config: 15, mode: 'hybrid', bandwidth: 'fullband', frameDurationUs: 20_000, stereo: false, frameCountCode: 2 } },
    // Real: libopus -frame_duration 2.5.
    { name: '0x80 CELT narrowband 2.5 ms', byte: 0x80, expected: { config: 16, mode: 'celt', bandwidth: 'narrowband', frameDurationUs: 2_500, stereo: false, frameCountCode: 0 } },
    // Invented: SILK narrowband 60 ms stereo, code 1.
    { name: '0x1d SILK narrowband 60 ms stereo, code 1', byte: 0x1d, expected: { config: 3, mode: 'silk', bandwidth: 'narrowband', frameDurationUs: 60_000, stereo: true, frameCountCode: 1 } },
    // Invented: SILK mediumband 40 ms.
    { name: '0x30 SILK mediumband 40 ms', byte: 0x30, expected: { config: 6, mode: 'silk', bandwidth: 'mediumband', frameDurationUs: 40_000, stereo: false, frameCountCode: 0 } },
    // Invented: hybrid superwideband 10 ms.
    { name: '0x60 hybrid superwideband 10 ms', byte: 0x60, expected: { config: 12, mode: 'hybrid', bandwidth: 'superwideband', frameDurationUs: 10_000, stereo: false, frameCountCode: 0 } },
    // Invented: CELT superwideband 5 ms.
    { name: '0xc8 CELT superwideband 5 ms', byte: 0xc8, expected: { config: 25, mode: 'celt', bandwidth: 'superwideband', frameDurationUs: 5_000, stereo: false, frameCountCode: 0 } },
  ] as const;
  test.each(cases)('$name', ({ byte, expected }) => {
    expect(parseOpusToc(byte)).toEqual(expected);
  });
});

describe('getOpusPacketDurationUs', () => {
  const cases = [
    { name: 'code 0 CELT 20 ms (real RTP packet head, 312 bytes)', input: packet('f8b4afcaaae5b5b0a61c', 312), expected: 20_000 },
    { name: 'code 0 CELT 2.5 ms (real)', input: hex('8037cec0b25d8611'), expected: 2_500 },
    { name: 'code 2 hybrid, first frame 88 bytes (real 151-byte packet)', input: packet('7a5881a7b76c9e99ac', 151), expected: 40_000 },
    { name: 'code 3 VBR, 3 CELT frames of 117 + 87 + 87 bytes (real 295-byte packet)', input: packet('fb837557b4afcaaae5', 295), expected: 60_000 },
    { name: 'code 3 VBR, 6 frames: 120 ms (real 552-byte packet)', input: packet('fb867559575353b4af', 552), expected: 120_000 },
    { name: 'code 1, two equal frames (invented)', input: hex('f9 0102 0304'), expected: 40_000 },
    { name: 'code 2 with a two-byte first length (invented: 252 + 4*1 = 256 bytes)', input: packet('fa fc01', 259), expected: 40_000 },
    { name: 'code 3 CBR with padding (invented: 2 frames of 2 bytes, 3 padding bytes)', input: hex('fb 42 03 0102 0304 000000'), expected: 40_000 },
    { name: 'code 3 CBR with 255 padding continuation (invented: 254 + 1 padding bytes)', input: packet('fb 41 ff 01 aa', 4 + 1 + 255), expected: 20_000 },
  ];
  test.each(cases)('$name', ({ input, expected }) => {
    expect(getOpusPacketDurationUs(input)).toBe(expected);
  });

  const invalid = [
    { name: 'an empty packet', input: hex('') },
    { name: 'code 1 with an odd payload', input: hex('f9 010203') },
    { name: 'code 2 without its length byte', input: hex('fa') },
    { name: 'code 2 with a first frame past the end', input: hex('fa 05 0102') },
    { name: 'code 3 without the count byte', input: hex('fb') },
    { name: 'code 3 with zero frames', input: hex('fb 00') },
    { name: 'code 3 beyond 120 ms (7 x 20 ms)', input: hex('fb 07 01020304050607') },
    { name: 'code 3 CBR that does not split evenly', input: hex('fb 02 010203') },
    { name: 'code 3 with padding past the end', input: hex('fb 41 05 01') },
    { name: 'code 3 VBR lengths past the end', input: hex('fb 82 09 0102') },
  ];
  test.each(invalid)('returns null for $name (invented)', ({ input }) => {
    expect(getOpusPacketDurationUs(input)).toBeNull();
  });
});

describe('OPUS_SILENCE_FRAME_20MS', () => {
  test('is a one-frame 20 ms CELT packet', () => {
    expect(OPUS_SILENCE_FRAME_20MS).toEqual(hex('f8fffe'));
    expect(getOpusPacketDurationUs(OPUS_SILENCE_FRAME_20MS)).toBe(20_000);
  });
});

describe('serializeOpusHead', () => {
  test('family 0 mono matches the OpusHead FFmpeg/libopus wrote for a 48 kHz mono stream', () => {
    expect(serializeOpusHead({ channelCount: 1, preSkip: 312, inputSampleRate: 48_000, outputGain: 0, mappingFamily: 0 })).toEqual(
      hex('4f70757348656164 01 01 3801 80bb0000 0000 00'),
    );
  });

  test('family 1 writes the stream counts and the channel mapping (invented 5.1, multiopus order)', () => {
    expect(
      serializeOpusHead({
        channelCount: 6,
        preSkip: 0,
        inputSampleRate: 48_000,
        outputGain: -256,
        mappingFamily: 1,
        streamCount: 4,
        coupledCount: 2,
        channelMapping: [0, 4, 1, 2, 3, 5],
      }),
    ).toEqual(hex('4f70757348656164 01 06 0000 80bb0000 00ff 01 04 02 000401020305'));
  });

  const invalid = [
    { name: '3 channels in family 0', config: { channelCount: 3, preSkip: 0, inputSampleRate: 48_000, outputGain: 0, mappingFamily: 0 } },
    { name: 'family 1 without a mapping table', config: { channelCount: 2, preSkip: 0, inputSampleRate: 48_000, outputGain: 0, mappingFamily: 1 } },
    {
      name: 'a mapping entry past the streams',
      config: { channelCount: 2, preSkip: 0, inputSampleRate: 48_000, outputGain: 0, mappingFamily: 1, streamCount: 1, coupledCount: 0, channelMapping: [0, 1] },
    },
    { name: 'a pre-skip above 16 bits', config: { channelCount: 2, preSkip: 70_000, inputSampleRate: 48_000, outputGain: 0, mappingFamily: 0 } },
  ];
  test.each(invalid)('throws CODEC_MALFORMED for $name', ({ config }) => {
    expect(() => serializeOpusHead(config)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});
