/**
 * AV1 temporal units from RTP payloads (RTP Payload Format for AV1, v1.0, §4), as ISOBMFF/Matroska
 * samples (AV1 Codec ISO Media File Format Binding §2.4): the low overhead bitstream format (AV1 spec
 * §5.2), every OBU with obu_has_size_field = 1 and its leb128 size, no temporal delimiters.
 *
 *      0 1 2 3 4 5 6 7
 *     +-+-+-+-+-+-+-+-+
 *     |Z|Y| W |N|-|-|-|  aggregation header, then OBU elements (rtp/av1.ts)
 *     +-+-+-+-+-+-+-+-+
 *
 *     OBU header: |F| type (4) |X|S|-|  [extension: tid (3) | sid (2) | - (3)]   (S = obu_has_size_field)
 *
 * An OBU element whose packet has Z = 1 continues the last element of the previous packet; Y = 1 says the
 * last element continues in the next one. The fragments join into one OBU, which is rewritten with S = 1
 * and a fresh leb128 size (RTP senders leave sizes out). Temporal delimiters (which a sender should not
 * send anyway), tile list OBUs (large scale tile decoding only) and padding are dropped, as the binding
 * wants. A fragment run missing its start or end makes the temporal unit unbuildable.
 *
 * Keyframe: the first frame (header) OBU of the base spatial layer has show_existing_frame = 0,
 * frame_type = KEY_FRAME and show_frame = 1 (§5.9.2), or the sequence header says
 * reduced_still_picture_header. A keyframe temporal unit without a sequence header gets the last one
 * seen prepended, so it decodes on its own; `decoderConfig()` is the av1C of the first sequence header
 * seen. Width and height on keyframes are the sequence header's max_frame_width/height. Discardable is
 * always false: telling would take parsing the whole frame header (refresh_frame_flags).
 */
import { Av1ObuType, parseAv1ObuHeader, parseAv1SequenceHeader, readLeb128, serializeAv1CodecConfigurationRecord, writeLeb128, type Av1SequenceHeader } from '../codec/av1.js';
import { concatBytes } from '../shared/bytes.js';
import { RepriseError, isRepriseError } from '../shared/errors.js';
import type { BuiltFrame, VideoFrameBuilder } from './depacketizer.js';
import { parseAv1AggregationHeader, type Av1AggregationHeader } from './av1.js';

const DROPPED_TYPES = new Set<number>([Av1ObuType.TemporalDelimiter, Av1ObuType.TileList, Av1ObuType.Padding]);
const FRAME_START_TYPES = new Set<number>([Av1ObuType.TemporalDelimiter, Av1ObuType.SequenceHeader, Av1ObuType.Metadata, Av1ObuType.FrameHeader, Av1ObuType.Frame]);

type Obu = { type: number; spatialId: number; bytes: Uint8Array; payload: Uint8Array };

const aggregationOf = (payload: Uint8Array): Av1AggregationHeader | null => {
  try {
    return parseAv1AggregationHeader(payload);
  } catch (error) {
    if (isRepriseError(error)) {
      return null;
    }
    throw error;
  }
};

/** The temporal unit's OBU elements, fragments joined; null when a fragment run is broken or a header is bad. */
const collectElements = (payloads: readonly Uint8Array[]): Uint8Array[] | null => {
  const elements: Uint8Array[] = [];
  let fragments: Uint8Array[] | null = null;
  for (const payload of payloads) {
    const aggregation = aggregationOf(payload);
    if (aggregation === null || aggregation.z !== (fragments !== null)) {
      return null; // Z = 1 with nothing to continue, or Z = 0 while an OBU waits for its end
    }
    aggregation.elements.forEach((element, index) => {
      fragments = index === 0 && aggregation.z ? [...fragments!, element] : [element];
      if (!(aggregation.y && index === aggregation.elements.length - 1)) {
        elements.push(fragments.length === 1 ? fragments[0]! : concatBytes(fragments));
        fragments = null;
      }
    });
  }
  return fragments === null ? elements : null;
};

/** An OBU element rewritten with obu_has_size_field = 1 and its leb128 size. Throws CODEC_MALFORMED. */
const toSizedObu = (element: Uint8Array): Obu => {
  const header = parseAv1ObuHeader(element);
  let payload = element.subarray(header.headerLength);
  if (header.hasSizeField) {
    const size = readLeb128(element, header.headerLength);
    const start = header.headerLength + size.length;
    if (start + size.value > element.length) {
      throw new RepriseError('CODEC_MALFORMED', 'AV1 RTP: obu_size runs past the OBU element', { details: { size: size.value, length: element.length } });
    }
    payload = element.subarray(start, start + size.value);
  }
  const sizeField = writeLeb128(payload.length);
  const bytes = new Uint8Array(header.headerLength + sizeField.length + payload.length);
  bytes.set(element.subarray(0, header.headerLength));
  bytes[0] = bytes[0]! | 0x02;
  bytes.set(sizeField, header.headerLength);
  bytes.set(payload, header.headerLength + sizeField.length);
  return { type: header.type, spatialId: header.spatialId ?? 0, bytes, payload: bytes.subarray(header.headerLength + sizeField.length) };
};

/** uncompressed_header() start (§5.9.2): show_existing_frame f(1), frame_type f(2) (KEY_FRAME = 0), show_frame f(1). */
const isShownKeyFrame = (frameHeader: Uint8Array, sequence: Av1SequenceHeader | null): boolean => {
  if (sequence?.reducedStillPictureHeader === true) {
    return true;
  }
  const first = frameHeader[0];
  return first !== undefined && (first & 0xf0) === 0x10;
};

export const createAv1FrameBuilder = (): VideoFrameBuilder => {
  let sequenceHeader: Obu | null = null;
  let sequence: Av1SequenceHeader | null = null;
  let config: Uint8Array | null = null;

  const rememberSequenceHeader = (obu: Obu): void => {
    sequence = parseAv1SequenceHeader(obu.payload);
    sequenceHeader = obu;
    config ??= serializeAv1CodecConfigurationRecord(obu.bytes);
  };

  const buildFrame = (payloads: readonly Uint8Array[]): BuiltFrame | null => {
    const elements = collectElements(payloads);
    if (elements === null) {
      return null;
    }
    let obus: Obu[];
    try {
      obus = elements.map(toSizedObu).filter((obu) => !DROPPED_TYPES.has(obu.type));
      obus.filter((obu) => obu.type === Av1ObuType.SequenceHeader).forEach(rememberSequenceHeader);
    } catch (error) {
      if (isRepriseError(error)) {
        return null;
      }
      throw error;
    }
    const firstFrame = obus.find((obu) => (obu.type === Av1ObuType.Frame || obu.type === Av1ObuType.FrameHeader) && obu.spatialId === 0);
    if (firstFrame === undefined) {
      return null; // no frame in the temporal unit: nothing a decoder can show
    }
    const keyframe = isShownKeyFrame(firstFrame.payload, sequence);
    const frame: BuiltFrame = { data: new Uint8Array(0), keyframe, discardable: false };
    if (keyframe) {
      const [header, info] = [sequenceHeader, sequence];
      if (header === null || info === null) {
        return null; // the stream never showed its sequence header: no decoder can start here
      }
      if (!obus.some((obu) => obu.type === Av1ObuType.SequenceHeader)) {
        obus.unshift(header);
      }
      frame.width = info.maxFrameWidth;
      frame.height = info.maxFrameHeight;
    }
    frame.data = concatBytes(obus.map((obu) => obu.bytes));
    return frame;
  };

  return {
    codec: 'av1',
    isFrameStart: (payload) => {
      const aggregation = aggregationOf(payload);
      if (aggregation === null || aggregation.z) {
        return false;
      }
      try {
        const header = parseAv1ObuHeader(aggregation.elements[0]!);
        return FRAME_START_TYPES.has(header.type) && (header.spatialId ?? 0) === 0;
      } catch (error) {
        if (isRepriseError(error)) {
          return false;
        }
        throw error;
      }
    },
    buildFrame,
    decoderConfig: () => config,
  };
};
