import { describe, expect, test } from 'vitest';
import { EbmlBuffer, EbmlId, encodeVint8, measureIdBytes, measureUintBytes, measureVintBytes } from './ebml.js';

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const written = (write: (buffer: EbmlBuffer) => void, initialBytes = 4): string => {
  const buffer = new EbmlBuffer(initialBytes);
  write(buffer);
  return toHex(buffer.written());
};

describe('sizes', () => {
  test('vint lengths: 7 bits per byte, the all-ones value of each length reserved for "unknown"', () => {
    expect([0, 126, 127, 16_382, 16_383, 2 ** 21 - 2, 2 ** 21 - 1, 2 ** 49].map(measureVintBytes)).toEqual([1, 1, 2, 2, 3, 3, 4, 8]);
  });

  test('IDs keep their marker bits: the value range gives the length', () => {
    expect([EbmlId.Void, EbmlId.Seek, EbmlId.TimestampScale, EbmlId.Segment].map(measureIdBytes)).toEqual([1, 2, 3, 4]);
  });

  test('unsigned integers: shortest big-endian, at least one byte', () => {
    expect([0, 255, 256, 65_535, 65_536, 2 ** 32, Number.MAX_SAFE_INTEGER].map(measureUintBytes)).toEqual([1, 1, 2, 2, 3, 5, 7]);
  });
});

describe('EbmlBuffer', () => {
  test('vints, including a forced width', () => {
    expect(written((buffer) => buffer.writeVint(0))).toBe('80');
    expect(written((buffer) => buffer.writeVint(126))).toBe('fe');
    expect(written((buffer) => buffer.writeVint(127))).toBe('407f');
    expect(written((buffer) => buffer.writeVint(500))).toBe('41f4');
    expect(written((buffer) => buffer.writeVint(5, 4))).toBe('10000005');
    expect(() => written((buffer) => buffer.writeVint(127, 1))).toThrow(/does not fit/);
  });

  test('unsigned, float, string, binary and date elements (RFC 8794 §7, RFC 9559 DateUTC)', () => {
    expect(written((buffer) => buffer.writeUintElement(EbmlId.TimestampScale, 1_000_000))).toBe('2ad7b1' + '83' + '0f4240');
    expect(written((buffer) => buffer.writeUintElement(EbmlId.SeekPosition, 4660, 8))).toBe('53ac' + '88' + '0000000000001234');
    expect(written((buffer) => buffer.writeFloat64Element(EbmlId.Duration, 1.5))).toBe('4489' + '88' + '3ff8000000000000');
    expect(written((buffer) => buffer.writeStringElement(EbmlId.DocType, 'webm'))).toBe('4282' + '84' + '7765626d');
    expect(written((buffer) => buffer.writeStringElement(EbmlId.TagString, 'é'))).toBe('4487' + '82' + 'c3a9');
    expect(written((buffer) => buffer.writeBinaryElement(EbmlId.CodecPrivate, Uint8Array.of(1, 2)))).toBe('63a2' + '82' + '0102');
    // 2001-01-01T00:00:01Z is 1e9 ns after Matroska's epoch; 2000-12-31T23:59:59Z is 1e9 ns before it.
    expect(written((buffer) => buffer.writeDateElement(EbmlId.DateUTC, new Date('2001-01-01T00:00:01Z')))).toBe('4461' + '88' + '000000003b9aca00');
    expect(written((buffer) => buffer.writeDateElement(EbmlId.DateUTC, new Date('2000-12-31T23:59:59Z')))).toBe('4461' + '88' + 'ffffffffc4653600');
  });

  test('master elements get the shortest size once closed, nested too', () => {
    const hex = written((buffer) => {
      buffer.startMaster(EbmlId.Seek);
      buffer.startMaster(EbmlId.CueTrackPositions);
      buffer.writeUintElement(EbmlId.CueTrack, 1);
      buffer.endMaster();
      buffer.writeUintElement(EbmlId.CueTime, 2);
      buffer.endMaster();
    });
    expect(hex).toBe('4dbb' + '88' + 'b7' + '83' + 'f78101' + 'b38102');
  });

  test('a master over 126 bytes gets a two-byte size', () => {
    const buffer = new EbmlBuffer(8);
    buffer.startMaster(EbmlId.Tags);
    buffer.writeBinaryElement(EbmlId.TagString, new Uint8Array(200).fill(7));
    buffer.endMaster();
    const bytes = buffer.written();
    expect(toHex(bytes.subarray(0, 10))).toBe('1254c367' + '40cc' + '4487' + '40c8'); // 204 = 2 + 2 + 200
    expect(bytes.length).toBe(4 + 2 + 204);
    expect(bytes.at(-1)).toBe(7);
  });

  test('endMaster without startMaster is a bug', () => {
    expect(() => new EbmlBuffer().endMaster()).toThrow(/Internal error/);
  });

  test('Void elements of any length from 2 bytes, zero-filled', () => {
    expect(written((buffer) => buffer.writeVoid(2))).toBe('ec80');
    expect(written((buffer) => buffer.writeVoid(11))).toBe('ec89' + '00'.repeat(9));
    expect(written((buffer) => buffer.writeVoid(0))).toBe('');
    const long = new EbmlBuffer(4);
    long.writeVoid(129); // 1 + 1 + 127 cannot be: 127 is the reserved 1-byte value
    expect(toHex(long.written().subarray(0, 3))).toBe('ec407e');
    expect(long.length).toBe(129);
    expect(() => new EbmlBuffer().writeVoid(1)).toThrow(/no Void/);
  });

  test('grows as needed and reset keeps the storage', () => {
    const buffer = new EbmlBuffer(2);
    buffer.writeBytes(new Uint8Array(1000).fill(1));
    const storage = buffer.bytes;
    expect(storage.length).toBeGreaterThanOrEqual(1000);
    buffer.reset(12);
    buffer.writeByte(9);
    expect(buffer.bytes).toBe(storage);
    expect(buffer.length).toBe(13);
  });

  test('8-byte vints for patched sizes and the unknown size', () => {
    expect(toHex(encodeVint8('unknown'))).toBe('01ffffffffffffff');
    expect(toHex(encodeVint8(0x123456))).toBe('0100000000123456');
  });
});
