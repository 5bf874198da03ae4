/**
 * Property tests for every codec and RTP payload parser: on random bytes, and on real payloads that
 * are truncated or have bytes overwritten, a parser returns a value or throws a RepriseError with
 * code CODEC_MALFORMED, never anything else, and always terminates.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { iterateObus, parseAv1SequenceHeader, serializeAv1CodecConfigurationRecord } from '../codec/av1.js';
import { iterateNalUnitsInAnnexB, lengthPrefixedToAnnexB, parseAvcSps, serializeAvcDecoderConfigurationRecord } from '../codec/h264.js';
import { getOpusPacketDurationUs } from '../codec/opus.js';
import { parseVp8FrameHeader } from '../codec/vp8.js';
import { parseVp9FrameHeader, parseVp9Superframe } from '../codec/vp9.js';
import { isRepriseError } from '../shared/errors.js';
import { parseAv1AggregationHeader } from './av1.js';
import { parseH264Payload } from './h264.js';
import { parseH265Payload } from './h265.js';
import { probeVideoPacket } from './video-probe.js';
import { parseVp8Descriptor } from './vp8.js';
import { parseVp9Descriptor } from './vp9.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

const parsers: Record<string, (bytes: Uint8Array) => unknown> = {
  parseVp8FrameHeader,
  parseVp9FrameHeader,
  parseVp9Superframe,
  parseAvcSps: (bytes) => parseAvcSps(Uint8Array.from([0x67, ...bytes])),
  iterateNalUnitsInAnnexB: (bytes) => [...iterateNalUnitsInAnnexB(bytes)],
  lengthPrefixedToAnnexB,
  serializeAvcDecoderConfigurationRecord: (bytes) =>
    serializeAvcDecoderConfigurationRecord({ sps: [Uint8Array.from([0x67, ...bytes])], pps: [hex('68ce')] }),
  iterateObus: (bytes) => [...iterateObus(bytes)],
  parseAv1SequenceHeader,
  serializeAv1CodecConfigurationRecord: (bytes) => serializeAv1CodecConfigurationRecord(Uint8Array.from([0x08, ...bytes])),
  getOpusPacketDurationUs,
  parseVp8Descriptor,
  parseVp9Descriptor,
  parseH264Payload,
  parseH265Payload,
  parseAv1AggregationHeader,
  probeVp8: (bytes) => probeVideoPacket('vp8', bytes),
  probeVp9: (bytes) => probeVideoPacket('vp9', bytes),
  probeH264: (bytes) => probeVideoPacket('h264', bytes),
  probeH265: (bytes) => probeVideoPacket('h265', bytes),
  probeAv1: (bytes) => probeVideoPacket('av1', bytes),
};

// Real seeds (see the per-codec tests for where each came from).
const seeds = [
  hex('90808000 b05a009d012a4001f000 00070885858885848802021be451'),
  hex('aa 9234 00 09 58 0140 00b4 0280 0168 0500 02d0 02 04 01 38 02 01 824983420015f011f608'),
  hex('824983420015f011f60838241c184200'),
  hex('86 00 c9 0100 0100 c9'),
  hex('18 001a 6742c00dd90150878888c044000003000400000300f03c50a920 0005 68cb83cb20'),
  hex('00000001 6742c00dd90150878888c044000003000400000300f03c50a920 00000001 68cb83cb20'),
  hex('677a000dbd843fffa111108bfffffffffffffff6ca0a843c447e0220000003002000000781e28532c0'),
  hex('0400000fa40003a983a400000fa4848440d1a58643220242abbfc37aa7fd73a020203580'),
  hex('28 0c 08000000043cfeccdaf90040 301400a27010b45df1'),
  hex('1200 0a0b000000043cfeccdaf90040 3209 1400a27010b45df1aa'),
  hex('6001 0018 40010c01ffff01600000030090000003000003003c959809'),
  hex('fb837557b4afcaaae5bae6000509b1e1b7'),
];

const expectOnlyMalformed = (parse: (bytes: Uint8Array) => unknown, bytes: Uint8Array): void => {
  try {
    parse(bytes);
  } catch (error) {
    if (!isRepriseError(error) || error.code !== 'CODEC_MALFORMED') {
      throw error;
    }
  }
};

const mutated = fc
  .tuple(fc.constantFrom(...seeds), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }))
  .map(([seed, cut, edits]) => {
    const bytes = seed.slice(0, seed.length === 0 ? 0 : cut % (seed.length + 1));
    for (const [position, value] of edits) {
      if (bytes.length > 0) {
        bytes[position % bytes.length] = value;
      }
    }
    return bytes;
  });

describe('parsers on hostile input', () => {
  test.each(Object.entries(parsers))('%s returns or throws CODEC_MALFORMED on random bytes', (_name, parse) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        expectOnlyMalformed(parse, bytes);
      }),
      { numRuns: 400 },
    );
  });

  test.each(Object.entries(parsers))('%s returns or throws CODEC_MALFORMED on damaged real payloads', (_name, parse) => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        expectOnlyMalformed(parse, bytes);
      }),
      { numRuns: 400 },
    );
  });

  test('probeVideoPacket turns malformed payloads into null rather than throwing', () => {
    fc.assert(
      fc.property(fc.constantFrom('vp8', 'vp9', 'h264', 'h265', 'av1' as const), fc.uint8Array({ maxLength: 64 }), (codec, bytes) => {
        expect(() => probeVideoPacket(codec, bytes)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
