import { describe, expect, test } from 'vitest';
import { getHevcNalUnitType, isHevcIrap, parseH265Payload } from './h265.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

describe('parseH265Payload', () => {
  test('splits a real aggregation packet (VPS, SPS, PPS from libx265 over FFmpeg RTP)', () => {
    // Real head of the first packet, with the AP cut after the VPS and a short invented second unit.
    const input = hex('6001 0018 40010c01ffff01600000030090000003000003003c959809 0003 420101');
    const parsed = parseH265Payload(input);
    expect(parsed.type).toBe('ap');
    if (parsed.type === 'ap') {
      expect(parsed.nalUnits.map((unit) => getHevcNalUnitType(unit[0]!))).toEqual([32, 33]);
      expect(parsed.nalUnits[0]).toHaveLength(24);
    }
  });

  const cases = [
    {
      // Real: FU start of the IDR_N_LP picture (FU header 0x94: S, type 20).
      name: 'FU start of an IDR',
      input: hex('6201 94 af084828'),
      expected: { type: 'fu', start: true, end: false, nalType: 20, fragment: hex('af084828') },
    },
    {
      // Real: FU end of the same picture (0x54: E, type 20).
      name: 'FU end',
      input: hex('6201 54 cb0692dd'),
      expected: { type: 'fu', start: false, end: true, nalType: 20, fragment: hex('cb0692dd') },
    },
    {
      // Real: a TRAIL_R slice (type 1) sent as one packet.
      name: 'single NAL unit packet',
      input: hex('0201d02149e1'),
      expected: { type: 'single', nalUnit: hex('0201d02149e1') },
    },
    { name: 'PACI is unsupported', input: hex('6401 00'), expected: { type: 'unsupported', nalType: 50 } }, // invented
  ];
  test.each(cases)('$name', ({ input, expected }) => {
    expect(parseH265Payload(input)).toEqual(expected);
  });

  const invalid = [
    { name: 'a one-byte payload', input: hex('02') },
    { name: 'an AP without units', input: hex('6001') },
    { name: 'an AP size past the end', input: hex('6001 0009 4001') },
    { name: 'an AP unit shorter than a NAL header', input: hex('6001 0001 40') },
    { name: 'an FU without FU header', input: hex('6201') },
    { name: 'an FU with S and E', input: hex('6201 d4 00') },
    { name: 'a header with TID 0', input: hex('0200 d0') },
  ];
  test.each(invalid)('throws CODEC_MALFORMED for $name (invented)', ({ input }) => {
    expect(() => parseH265Payload(input)).toThrowError(expect.objectContaining({ code: 'CODEC_MALFORMED' }));
  });

  test('IRAP covers BLA, IDR and CRA (16..21) only', () => {
    expect([15, 16, 19, 20, 21, 22].map(isHevcIrap)).toEqual([false, true, true, true, true, false]);
  });
});
