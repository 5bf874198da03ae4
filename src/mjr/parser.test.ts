import { describe, expect, test } from 'vitest';
import { concatBytes } from '../shared/bytes.js';
import { audioHeader, buildRtpPacket, FIRST_PACKET_US, opusFrames, writeMjr } from '../../test/support/mjr-writer.js';
import { MjrParser } from './parser.js';
import { parseMjrBytes } from './read.js';
import type { MjrRecord } from './records.js';

const records = (bytes: Uint8Array): MjrRecord[] => [...parseMjrBytes(bytes)];
const packets = (list: MjrRecord[]) => list.filter((record) => record.type === 'packet');
const skipped = (list: MjrRecord[]) => list.filter((record) => record.type === 'skipped');
const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

const insertAt = (bytes: Uint8Array, offset: number, inserted: Uint8Array): Uint8Array =>
  concatBytes([bytes.subarray(0, offset), inserted, bytes.subarray(offset)]);

/** Offset of the n-th frame (0-based) in an MJR00002 file written by writeMjr with equal-size packets. */
const frameOffset = (file: Uint8Array, index: number): number => {
  const headerLength = 10 + ((file[8]! << 8) | file[9]!);
  const frameLength = 10 + ((file[headerLength + 8]! << 8) | file[headerLength + 9]!);
  return headerLength + index * frameLength;
};

describe('MJR00002', () => {
  const file = writeMjr({ header: audioHeader(), frames: opusFrames(5) });

  test('yields the header, then every packet with its arrival offset, in file order', () => {
    const list = records(file);
    expect(list[0]).toMatchObject({ type: 'header', version: 'MJR00002', header: { kind: 'audio', codec: 'opus', firstPacketUs: FIRST_PACKET_US } });
    expect(packets(list).map((record) => record.arrivalOffsetMs)).toEqual([0, 20, 40, 60, 80]);
    expect(packets(list).every((record) => !record.suspect)).toBe(true);
    expect(skipped(list)).toEqual([]);
  });

  test('gives the same records whatever the chunk size, down to one byte', () => {
    const whole = records(file);
    for (const chunkSize of [1, 3, 7, 64]) {
      const parser = new MjrParser();
      const streamed: MjrRecord[] = [];
      for (let offset = 0; offset < file.length; offset += chunkSize) {
        streamed.push(...parser.push(file.subarray(offset, offset + chunkSize)));
      }
      streamed.push(...parser.end());
      expect(streamed).toEqual(whole);
    }
  });

  test('reads a header longer than 1500 bytes (janus-pp-rec refuses these)', () => {
    const long = writeMjr({ header: audioHeader({ d: 'x'.repeat(3000) }), frames: opusFrames(2) });
    const list = records(long);
    expect(list[0]).toMatchObject({ type: 'header', header: { description: 'x'.repeat(3000) } });
    expect(packets(list)).toHaveLength(2);
  });

  test('reads data-channel messages with their wall-clock time', () => {
    const data = writeMjr({
      header: { t: 'd', c: 'text', s: 1, u: FIRST_PACKET_US },
      frames: [
        { arrivalOffsetMs: 0, timeUs: FIRST_PACKET_US, bytes: new TextEncoder().encode('hello') },
        { arrivalOffsetMs: 2000, timeUs: FIRST_PACKET_US + 2_000_123, bytes: new TextEncoder().encode('again') },
      ],
    });
    const messages = records(data).filter((record) => record.type === 'data');
    expect(messages.map((record) => [record.timeUs, new TextDecoder().decode(record.bytes)])).toEqual([
      [FIRST_PACKET_US, 'hello'],
      [FIRST_PACKET_US + 2_000_123, 'again'],
    ]);
  });
});

describe('older generations', () => {
  test('MJR00001: JSON header, MEETECHO frame prefixes, no arrival times', () => {
    const list = records(writeMjr({ version: 'MJR00001', header: audioHeader(), frames: opusFrames(3) }));
    expect(list[0]).toMatchObject({ type: 'header', version: 'MJR00001' });
    expect(packets(list).map((record) => record.arrivalOffsetMs)).toEqual([null, null, null]);
  });

  test('legacy MEETECHO: "video" info block implies VP8', () => {
    const list = records(writeMjr({ version: 'MEETECHO', header: 'video', frames: opusFrames(2) }));
    expect(list[0]).toMatchObject({ type: 'header', version: 'MEETECHO', header: { kind: 'video', codec: 'vp8' } });
    expect(packets(list)).toHaveLength(2);
  });
});

describe('files that cannot be read', () => {
  const magicOnly = new TextEncoder().encode('MJR00002');
  test.each([
    ['an empty file', new Uint8Array(0), 'MJR_EMPTY'],
    ['an 8-byte file: the recorder never got media (witnessed in nature)', magicOnly, 'MJR_EMPTY'],
    ['a file cut inside the magic', magicOnly.subarray(0, 5), 'MJR_EMPTY'],
    ['another format', new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt '), 'MJR_BAD_MAGIC'],
    ['a file cut inside the header length', concatBytes([magicOnly, new Uint8Array([0])]), 'MJR_TRUNCATED_HEADER'],
    ['a file cut inside the JSON', writeMjr({ header: audioHeader(), frames: [] }).subarray(0, 30), 'MJR_TRUNCATED_HEADER'],
    ['a header that is not JSON', writeMjr({ header: '{"t": "a", "c": ', frames: [] }), 'MJR_HEADER_JSON'],
    ['a header without "u"', writeMjr({ header: { t: 'a', c: 'opus', s: 1 }, frames: [] }), 'MJR_HEADER_INVALID'],
    ['a header with an unknown kind', writeMjr({ header: { t: 'x', c: 'opus', s: 1, u: 2 }, frames: [] }), 'MJR_HEADER_INVALID'],
  ])('%s → %s', (_name, bytes, code) => {
    expect(codeOf(() => records(bytes))).toBe(code);
  });

  test('a header with no packets after it is a readable, empty recording', () => {
    const list = records(writeMjr({ header: audioHeader(), frames: [] }));
    expect(list.map((record) => record.type)).toEqual(['header']);
  });
});

describe('damage inside the file', () => {
  const file = writeMjr({ header: audioHeader(), frames: opusFrames(10) });
  const frameLength = frameOffset(file, 1) - frameOffset(file, 0);

  test('a file that ends mid-packet keeps every whole packet and reports the cut', () => {
    const cut = file.subarray(0, file.length - 7);
    const list = records(cut);
    expect(packets(list)).toHaveLength(9);
    expect(packets(list).some((record) => record.suspect)).toBe(false);
    expect(skipped(list)).toEqual([{ type: 'skipped', byteOffset: frameOffset(file, 9), byteLength: frameLength - 7, reason: 'truncated' }]);
  });

  test('a file that ends inside a frame prefix reports the cut, not garbage', () => {
    const cut = file.subarray(0, frameOffset(file, 9) + 3);
    expect(skipped(records(cut))).toEqual([{ type: 'skipped', byteOffset: frameOffset(file, 9), byteLength: 3, reason: 'truncated' }]);
  });

  test('garbage between two frames: resynchronises and keeps every packet (janus-pp-rec stops here)', () => {
    const garbage = new Uint8Array(13).fill(0xa7);
    const damaged = insertAt(file, frameOffset(file, 5), garbage);
    const list = records(damaged);
    expect(packets(list)).toHaveLength(10);
    expect(skipped(list)).toEqual([{ type: 'skipped', byteOffset: frameOffset(file, 5), byteLength: 13, reason: 'garbage' }]);
    expect(packets(list).filter((record) => record.suspect).map((record) => record.arrivalOffsetMs)).toEqual([80]);
  });

  test('garbage inside a frame: the frame is flagged suspect, the rest is kept', () => {
    const damaged = insertAt(file, frameOffset(file, 5) + 20, new Uint8Array(9).fill(0x33));
    const list = records(damaged);
    const kept = packets(list);
    expect(kept.map((record) => record.arrivalOffsetMs)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180]);
    expect(kept.filter((record) => record.suspect).map((record) => record.arrivalOffsetMs)).toEqual([100]);
    expect(skipped(list).reduce((sum, run) => sum + run.byteLength, 0)).toBe(9);
  });

  test('a decoy "MEET" inside garbage is not taken for a frame', () => {
    const decoy = concatBytes([new TextEncoder().encode('xxMEET'), new Uint8Array([0, 0, 0, 1, 0xff, 0xff]), new Uint8Array(20)]);
    const list = records(insertAt(file, frameOffset(file, 3), decoy));
    expect(packets(list)).toHaveLength(10);
    expect(skipped(list)).toEqual([{ type: 'skipped', byteOffset: frameOffset(file, 3), byteLength: decoy.length, reason: 'garbage' }]);
  });

  test('trailing bytes after the last frame (an end marker some writers add) are skipped', () => {
    const list = records(concatBytes([file, new TextEncoder().encode('----')]));
    expect(packets(list)).toHaveLength(10);
    expect(skipped(list)).toEqual([{ type: 'skipped', byteOffset: file.length, byteLength: 4, reason: 'garbage' }]);
  });

  test('a megabyte of garbage streamed in small chunks is skipped as one run', () => {
    const garbage = new Uint8Array(1 << 20);
    for (let i = 0; i < garbage.length; i++) {
      garbage[i] = (i * 7919) & 0xff;
    }
    const damaged = insertAt(file, frameOffset(file, 2), garbage);
    const parser = new MjrParser();
    const list: MjrRecord[] = [];
    for (let offset = 0; offset < damaged.length; offset += 4096) {
      list.push(...parser.push(damaged.subarray(offset, offset + 4096)));
    }
    list.push(...parser.end());
    expect(packets(list)).toHaveLength(10);
    expect(skipped(list)).toEqual([{ type: 'skipped', byteOffset: frameOffset(file, 2), byteLength: garbage.length, reason: 'garbage' }]);
  });

  test('a packet that is not RTP at all is still yielded: the RTP layer judges it', () => {
    const odd = writeMjr({ header: audioHeader(), frames: [{ arrivalOffsetMs: 0, bytes: new Uint8Array([1, 2, 3]) }, ...opusFrames(1)] });
    expect(packets(records(odd)).map((record) => record.bytes.length)).toEqual([3, buildRtpPacket({ sequenceNumber: 1, timestamp: 0, payload: new Uint8Array(40) }).length]);
  });
});
