/**
 * The `.mjr` info header (see shared/docs/mjr-format.md §1.3): a JSON object written by Janus with the
 * first packet. Keys: t (kind), c (codec), f (fmtp), d (description), x (extmap), s (created µs),
 * u (first packet µs), or (RED payload type), e (end-to-end encrypted).
 */
import { RepriseError } from '../shared/errors.js';

export type MjrKind = 'audio' | 'video' | 'data';

export type MjrHeader = {
  kind: MjrKind;
  /** As Janus wrote it: vp8, vp9, h264, h265, av1, opus, multiopus, pcmu, pcma, g711, g722, l16, l16-48, text, binary. */
  codec: string;
  fmtp: string | null;
  description: string | null;
  /** RTP header extension ids (1-14) to URIs. */
  extmap: Record<number, string>;
  /** Recorder creation, wall clock µs since the Unix epoch. */
  createdUs: number;
  /** Wall clock µs when the first packet was written: the zero of every per-packet arrival offset. */
  firstPacketUs: number;
  /** RED (RFC 2198) payload type wrapping Opus, when negotiated. */
  redPayloadType: number | null;
  e2ee: boolean;
  /** The header text exactly as stored; conversions keep it in the output's metadata. */
  json: string;
};

export const KNOWN_CODECS: Record<MjrKind, readonly string[]> = {
  video: ['vp8', 'vp9', 'h264', 'h265', 'av1'],
  audio: ['opus', 'multiopus', 'pcmu', 'pcma', 'g711', 'g722', 'l16', 'l16-48'],
  data: ['text', 'binary'],
};

const KIND_BY_LETTER: Record<string, MjrKind> = { a: 'audio', v: 'video', d: 'data' };

/** RTP clock rates Janus uses per codec (mjr-format.md §2.6). Null for data. */
export const clockRateOf = (header: Pick<MjrHeader, 'kind' | 'codec'>): number | null => {
  if (header.kind === 'video') {
    return 90_000;
  }
  switch (header.codec) {
    case 'opus':
    case 'multiopus':
    case 'l16-48':
      return 48_000;
    case 'l16':
      return 16_000;
    case 'pcmu':
    case 'pcma':
    case 'g711':
    case 'g722':
      return 8_000;
    default:
      return header.kind === 'audio' ? 48_000 : null;
  }
};

const invalid = (message: string, details: Record<string, string | number> = {}): RepriseError =>
  new RepriseError('MJR_HEADER_INVALID', message, { details });

const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/** The legacy (`MEETECHO`) info block is just `audio` or `video`: Opus or VP8 implied. */
export const legacyHeader = (kindText: string): MjrHeader => {
  if (kindText !== 'audio' && kindText !== 'video') {
    throw invalid(`legacy info block must be "audio" or "video", got ${JSON.stringify(kindText.slice(0, 20))}`);
  }
  return {
    kind: kindText,
    codec: kindText === 'audio' ? 'opus' : 'vp8',
    fmtp: null,
    description: null,
    extmap: {},
    createdUs: 0,
    firstPacketUs: 0,
    redPayloadType: null,
    e2ee: false,
    json: kindText,
  };
};

const parseExtmap = (value: unknown): Record<number, string> => {
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('"x" (extmap) must be an object of id to URI');
  }
  const extmap: Record<number, string> = {};
  for (const [key, uri] of Object.entries(value)) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 1 || id > 255 || typeof uri !== 'string') {
      throw invalid(`"x" (extmap) entry ${JSON.stringify(key)} is not an id 1-255 with a URI`);
    }
    extmap[id] = uri;
  }
  return extmap;
};

const optionalString = (info: Record<string, unknown>, key: string): string | null => {
  const value = info[key];
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'string') {
    throw invalid(`"${key}" must be a string`);
  }
  return value;
};

/** Parses and validates the JSON info text of an MJR00001/MJR00002 file. */
export const parseMjrHeaderJson = (json: string): MjrHeader => {
  let info: unknown;
  try {
    info = JSON.parse(json);
  } catch (cause) {
    throw new RepriseError('MJR_HEADER_JSON', `info header is not valid JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    throw new RepriseError('MJR_HEADER_JSON', 'info header is not a JSON object');
  }
  const record = info as Record<string, unknown>;
  const kind = typeof record['t'] === 'string' ? KIND_BY_LETTER[record['t']] : undefined;
  if (kind === undefined) {
    throw invalid(`"t" must be "a", "v" or "d", got ${JSON.stringify(record['t'])}`);
  }
  const codec = record['c'];
  if (typeof codec !== 'string' || codec.length === 0) {
    throw invalid(`"c" (codec) must be a non-empty string, got ${JSON.stringify(codec)}`);
  }
  const createdUs = record['s'];
  const firstPacketUs = record['u'];
  if (!isInteger(createdUs) || createdUs < 0) {
    throw invalid(`"s" (created time, µs) must be a non-negative integer, got ${JSON.stringify(createdUs)}`);
  }
  if (!isInteger(firstPacketUs) || firstPacketUs < 0) {
    throw invalid(`"u" (first packet time, µs) must be a non-negative integer, got ${JSON.stringify(firstPacketUs)}`);
  }
  const red = record['or'];
  if (red !== undefined && red !== null && (!isInteger(red) || red < 0 || red > 127)) {
    throw invalid(`"or" (RED payload type) must be 0-127, got ${JSON.stringify(red)}`);
  }
  const e2ee = record['e'];
  if (e2ee !== undefined && typeof e2ee !== 'boolean') {
    throw invalid(`"e" (end-to-end encryption) must be a boolean, got ${JSON.stringify(e2ee)}`);
  }
  return {
    kind,
    codec: codec.toLowerCase(),
    fmtp: optionalString(record, 'f'),
    description: optionalString(record, 'd'),
    extmap: parseExtmap(record['x']),
    createdUs,
    firstPacketUs,
    redPayloadType: isInteger(red) ? red : null,
    e2ee: e2ee === true,
    json,
  };
};

/** The id of the extension with this URI in the header's extmap, if negotiated. */
export const findExtensionId = (header: Pick<MjrHeader, 'extmap'>, uri: string): number | null => {
  for (const [id, value] of Object.entries(header.extmap)) {
    if (value === uri) {
      return Number(id);
    }
  }
  return null;
};
