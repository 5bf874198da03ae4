import { describe, expect, test } from 'vitest';
import { buildRtpPacket } from '../../test/support/mjr-writer.js';
import { parseRtpPacket } from './packet.js';

const hex = (text: string): Uint8Array =>
  new Uint8Array(text.replace(/\/\/.*$/gm, '').replace(/\s+/g, '').match(/../g)!.map((byte) => parseInt(byte, 16)));
const codeOf = (bytes: Uint8Array): string | undefined => {
  try {
    parseRtpPacket(bytes);
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('parseRtpPacket', () => {
  test('reads the fixed header and a one-byte extension (invented, shaped like a browser Opus packet)', () => {
    const packet = parseRtpPacket(
      hex(`
        90 6f 1a 2b  // V=2, X=1, PT=111, seq 0x1a2b
        00 01 e2 40  // timestamp 123456
        de ad be ef  // SSRC
        be de 00 01  // one-byte extensions, 1 word
        10 ff 00 00  // id 1 (audio level), L=0: level byte 0xff; then padding
        78 01 02`),
    );
    expect(packet).toMatchObject({ version: 2, marker: false, payloadType: 111, sequenceNumber: 0x1a2b, timestamp: 123456, ssrc: 0xdeadbeef });
    expect(packet.extensions).toEqual([{ id: 1, data: hex('ff') }]);
    expect([...packet.payload]).toEqual([0x78, 0x01, 0x02]);
  });

  test('reads CSRCs, two-byte extensions, marker and padding (invented)', () => {
    const bytes = buildRtpPacket({
      sequenceNumber: 65535,
      timestamp: 0xffffffff,
      marker: true,
      csrcs: [1, 2],
      extensions: { profile: 'two-byte', elements: [{ id: 20, data: hex('0102030405060708090a0b0c0d0e0f1011') }, { id: 3, data: new Uint8Array(0) }] },
      payload: hex('aabbcc'),
      paddingLength: 5,
    });
    const packet = parseRtpPacket(bytes);
    expect(packet.csrcs).toEqual([1, 2]);
    expect(packet.marker).toBe(true);
    expect(packet.extensions.map((element) => [element.id, element.data.length])).toEqual([
      [20, 17],
      [3, 0],
    ]);
    expect([...packet.payload]).toEqual([0xaa, 0xbb, 0xcc]);
    expect(packet.paddingLength).toBe(5);
  });

  test('a packet of padding only has an empty payload', () => {
    const packet = parseRtpPacket(buildRtpPacket({ sequenceNumber: 1, timestamp: 1, payload: new Uint8Array(0), paddingLength: 200 }));
    expect(packet.payload.length).toBe(0);
  });

  test.each([
    ['11 bytes', hex('80 60 00 01 00 00 00 01 00 00 00'), 'RTP_SHORT_PACKET'],
    ['version 1', hex('40 60 00 01 00 00 00 01 00 00 00 01 aa'), 'RTP_BAD_VERSION'],
    ['CSRC count past the end', hex('8f 60 00 01 00 00 00 01 00 00 00 01 aa'), 'RTP_SHORT_PACKET'],
    ['extension block past the end', hex('90 60 00 01 00 00 00 01 00 00 00 01 be de 00 09 aa'), 'RTP_BAD_EXTENSION'],
    ['one-byte element past its block', hex('90 60 00 01 00 00 00 01 00 00 00 01 be de 00 01 1f 00 00 00'), 'RTP_BAD_EXTENSION'],
    ['padding longer than the payload', hex('a0 60 00 01 00 00 00 01 00 00 00 01 aa 09'), 'RTP_BAD_PADDING'],
    ['padding length zero', hex('a0 60 00 01 00 00 00 01 00 00 00 01 aa 00'), 'RTP_BAD_PADDING'],
  ])('refuses %s with %2$s', (_name, bytes, code) => {
    expect(codeOf(bytes)).toBe(code);
  });
});
