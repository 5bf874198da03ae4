/**
 * RTP fixed header, RFC 3550 §5.1, with header extensions per RFC 8285.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |   (if X)
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { readU16Be, readU32Be } from '../shared/bytes.js';
import { RepriseError } from '../shared/errors.js';

export const RTP_HEADER_LENGTH = 12;
/** RFC 8285 §4.2: one-byte header elements. */
export const ONE_BYTE_PROFILE = 0xbede;
/** RFC 8285 §4.3: two-byte header elements; the low 4 bits ("appbits") are free. */
export const TWO_BYTE_PROFILE_MASK = 0xfff0;
export const TWO_BYTE_PROFILE = 0x1000;

export type RtpHeaderExtension = { id: number; data: Uint8Array };

export type RtpPacket = {
  version: number;
  padding: boolean;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs: number[];
  /** The extension block's profile word, or null without extension. */
  extensionProfile: number | null;
  /** RFC 8285 elements; for any other profile, one element with id 0 holding the raw block. */
  extensions: RtpHeaderExtension[];
  /** Bytes of the payload, padding removed. A view into the packet bytes. */
  payload: Uint8Array;
  paddingLength: number;
};

const fail = (code: 'RTP_SHORT_PACKET' | 'RTP_BAD_VERSION' | 'RTP_BAD_PADDING' | 'RTP_BAD_EXTENSION', message: string, details: Record<string, number>): never => {
  throw new RepriseError(code, message, { details });
};

/** RFC 8285 one-byte and two-byte element lists. Padding bytes (id 0) are skipped; id 15 stops one-byte parsing. */
export const parseExtensionElements = (profile: number, block: Uint8Array): RtpHeaderExtension[] => {
  const elements: RtpHeaderExtension[] = [];
  if (profile === ONE_BYTE_PROFILE) {
    let offset = 0;
    while (offset < block.length) {
      const byte = block[offset]!;
      if (byte === 0) {
        offset++;
        continue;
      }
      const id = byte >>> 4;
      if (id === 15) {
        break;
      }
      const length = (byte & 0x0f) + 1;
      if (offset + 1 + length > block.length) {
        fail('RTP_BAD_EXTENSION', `one-byte extension element ${id} needs ${length} bytes, ${block.length - offset - 1} left`, { id, length });
      }
      elements.push({ id, data: block.subarray(offset + 1, offset + 1 + length) });
      offset += 1 + length;
    }
    return elements;
  }
  if ((profile & TWO_BYTE_PROFILE_MASK) === TWO_BYTE_PROFILE) {
    let offset = 0;
    while (offset < block.length) {
      const id = block[offset]!;
      if (id === 0) {
        offset++;
        continue;
      }
      if (offset + 2 > block.length) {
        fail('RTP_BAD_EXTENSION', `two-byte extension element ${id} has no length byte`, { id });
      }
      const length = block[offset + 1]!;
      if (offset + 2 + length > block.length) {
        fail('RTP_BAD_EXTENSION', `two-byte extension element ${id} needs ${length} bytes, ${block.length - offset - 2} left`, { id, length });
      }
      elements.push({ id, data: block.subarray(offset + 2, offset + 2 + length) });
      offset += 2 + length;
    }
    return elements;
  }
  return [{ id: 0, data: block }];
};

/** Parses an RTP packet. Throws RepriseError (RTP_*) on anything that is not a well-formed version-2 packet. */
export const parseRtpPacket = (bytes: Uint8Array): RtpPacket => {
  if (bytes.length < RTP_HEADER_LENGTH) {
    fail('RTP_SHORT_PACKET', `RTP header needs ${RTP_HEADER_LENGTH} bytes, got ${bytes.length}`, { length: bytes.length });
  }
  const first = bytes[0]!;
  const version = first >>> 6;
  if (version !== 2) {
    fail('RTP_BAD_VERSION', `RTP version must be 2, got ${version}`, { version });
  }
  const padding = (first & 0x20) !== 0;
  const hasExtension = (first & 0x10) !== 0;
  const csrcCount = first & 0x0f;
  const second = bytes[1]!;
  let offset = RTP_HEADER_LENGTH + csrcCount * 4;
  if (bytes.length < offset) {
    fail('RTP_SHORT_PACKET', `RTP header with ${csrcCount} CSRCs needs ${offset} bytes, got ${bytes.length}`, { length: bytes.length, csrcCount });
  }
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) {
    csrcs.push(readU32Be(bytes, RTP_HEADER_LENGTH + i * 4));
  }
  let extensionProfile: number | null = null;
  let extensions: RtpHeaderExtension[] = [];
  if (hasExtension) {
    if (bytes.length < offset + 4) {
      fail('RTP_SHORT_PACKET', `RTP extension header needs ${offset + 4} bytes, got ${bytes.length}`, { length: bytes.length });
    }
    extensionProfile = readU16Be(bytes, offset);
    const blockLength = readU16Be(bytes, offset + 2) * 4;
    const blockStart = offset + 4;
    if (bytes.length < blockStart + blockLength) {
      fail('RTP_BAD_EXTENSION', `RTP extension block of ${blockLength} bytes runs past the packet end`, { length: bytes.length, blockLength });
    }
    extensions = parseExtensionElements(extensionProfile, bytes.subarray(blockStart, blockStart + blockLength));
    offset = blockStart + blockLength;
  }
  let paddingLength = 0;
  if (padding) {
    paddingLength = bytes.length > offset ? bytes[bytes.length - 1]! : 0;
    if (paddingLength === 0 || offset + paddingLength > bytes.length) {
      fail('RTP_BAD_PADDING', `RTP padding of ${paddingLength} bytes does not fit the ${bytes.length - offset}-byte payload`, {
        paddingLength,
        payloadLength: bytes.length - offset,
      });
    }
  }
  return {
    version,
    padding,
    marker: (second & 0x80) !== 0,
    payloadType: second & 0x7f,
    sequenceNumber: readU16Be(bytes, 2),
    timestamp: readU32Be(bytes, 4),
    ssrc: readU32Be(bytes, 8),
    csrcs,
    extensionProfile,
    extensions,
    payload: bytes.subarray(offset, bytes.length - paddingLength),
    paddingLength,
  };
};
