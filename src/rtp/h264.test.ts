import { describe, expect, test } from 'vitest';
import { parseH264Payload } from './h264.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

// Real: first packet of an FFmpeg H.264 RTP stream (libx264 baseline 322x242): STAP-A with SPS and PPS.
const REAL_STAP_A = hex('18 001a 6742c00dd90150878888c044000003000400000300f03c50a920 0005 68cb83cb20');

describe('parseH264Payload', () => {
  test('splits a real STAP-A into SPS and PPS', () => {
    expect(parseH264Payload(REAL_STAP_A)).toEqual({
      type: 'stap-a',
      nalUnits: [hex('6742c00dd90150878888c044000003000400000300f03c50a920'), hex('68cb83cb20')],
    });
  });

  const cases = [
    {
      // Real: second packet of the stream: FU-A start of the IDR slice (indicator 0x7c, header 0x85).
      name: 'FU-A start rebuilds the IDR NAL header',
      input: hex('7c 85 88840bf262'),
      expected: { type: 'fu-a', start: true, end: false, nalHeader: 0x65, fragment: hex('88840bf262') },
    },
    {
      // Real: middle FU-A packet of the same IDR.
      name: 'FU-A middle fragment',
      input: hex('7c 05 063b2149d7'),
      expected: { type: 'fu-a', start: false, end: false, nalHeader: 0x65, fragment: hex('063b2149d7') },
    },
    {
      // Real: last FU-A packet of the same IDR.
      name: 'FU-A end fragment',
      input: hex('7c 45 84f00a8c68'),
      expected: { type: 'fu-a', start: false, end: true, nalHeader: 0x65, fragment: hex('84f00a8c68') },
    },
    {
      // Real: a P slice sent as a single NAL unit packet.
      name: 'single NAL unit packet',
      input: hex('419a3817e48532'),
      expected: { type: 'single', nalUnit: hex('419a3817e48532') },
    },
    {
      // Invented: FU-A of a non-reference slice keeps F and NRI = 0 from the indicator.
      name: 'FU-A takes F and NRI from the indicator',
      input: hex('1c 81 9a'),
      expected: { type: 'fu-a', start: true, end: false, nalHeader: 0x01, fragment: hex('9a') },
    },
    { name: 'STAP-B is unsupported', input: hex('19 0000 0002 0910'), expected: { type: 'unsupported', nalType: 25 } }, // invented
    { name: 'FU-B is unsupported', input: hex('7d 85 0000 88'), expected: { type: 'unsupported', nalType: 29 } }, // invented
    { name: 'type 0 is unsupported', input: hex('00 1122'), expected: { type: 'unsupported', nalType: 0 } }, // invented
  ];
  test.each(cases)('$name', ({ input, expected }) => {
    expect(parseH264Payload(input)).toEqual(expected);
  });

  const invalid = [
    { name: 'an empty payload', input: hex('') },
    { name: 'a STAP-A without NAL units', input: hex('18') },
    { name: 'a STAP-A size past the end', input: hex('18 0005 6742') },
    { name: 'a STAP-A cut inside a size', input: hex('18 0002 6742 00') },
    { name: 'a STAP-A with a zero size', input: hex('18 0000') },
    { name: 'an FU-A without FU header', input: hex('7c') },
    { name: 'an FU-A with both S and E', input: hex('7c c5 88') },
  ];
  test.each(invalid)('throws CODEC_MALFORMED for $name (invented)', ({ input }) => {
    expect(() => parseH264Payload(input)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });
});
