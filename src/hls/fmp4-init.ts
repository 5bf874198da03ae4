/**
 * The fMP4 initialization section (RFC 8216 §3.3, ISO/IEC 14496-12): ftyp + moov with one trak per
 * track (tkhd, mdia/mdhd, hdlr, minf/stbl/stsd) and mvex/trex. We read what a multivariant playlist
 * and the media-segment reader need: track ids, kinds, timescales, RFC 6381 codec strings, sizes and
 * the trex sample defaults.
 */
import { avcCodecString, hevcCodecString } from '../codec/codec-string.js';
import { RepriseError } from '../shared/errors.js';
import { BoxReader, failSegment, findBox, readBoxes, readChildBoxes, requireBox, type Box } from './bmff.js';
import type { InitSegment, InitTrack, SampleDefaults, TrackKind } from './fmp4-types.js';

// ISO/IEC 14496-12 §12.1.3 (VisualSampleEntry) and §12.2.3 (AudioSampleEntry): bytes before the children.
const SAMPLE_ENTRY_HEADER_BYTES = 8; // reserved(6) + data_reference_index(2)
const VISUAL_SAMPLE_ENTRY_BYTES = SAMPLE_ENTRY_HEADER_BYTES + 70;
const AUDIO_SAMPLE_ENTRY_BYTES = SAMPLE_ENTRY_HEADER_BYTES + 20;
// QuickTime sound description version 1 appends 16 bytes and keeps the fields above valid; version 2
// (36 bytes, rate as a float64 elsewhere) is a .mov-only layout that fMP4 writers do not produce.
const QUICKTIME_AUDIO_EXTRA_BYTES: Record<number, number> = { 0: 0, 1: 16 };

type SampleDescription = Pick<InitTrack, 'codec' | 'width' | 'height' | 'channelCount' | 'sampleRate'>;

const hex2 = (value: number): string => value.toString(16).padStart(2, '0');

/** `avc1.PPCCLL` from avcC (ISO/IEC 14496-15 §5.3.3.1): profile, constraint-flag and level bytes. */
const readAvcCodec = (bytes: Uint8Array, entryType: string, children: readonly Box[]): string => {
  const avcC = requireBox(children, 'avcC', entryType);
  const reader = new BoxReader(bytes, avcC);
  const record = reader.slice(4);
  if (record[0] !== 1) {
    failSegment('avcC: unknown configurationVersion', { version: record[0]! });
  }
  return `${entryType}.${avcCodecString(record).slice('avc1.'.length)}`;
};

/** `hvc1.…` / `hev1.…` from hvcC (ISO/IEC 14496-15 §8.3.3, Annex E). */
const readHevcCodec = (bytes: Uint8Array, entryType: string, children: readonly Box[]): string => {
  const hvcC = requireBox(children, 'hvcC', entryType);
  const record = new BoxReader(bytes, hvcC).slice(13);
  return `${entryType}.${hevcCodecString(record).slice('hvc1.'.length)}`;
};

const readVisualSampleEntry = (bytes: Uint8Array, entry: Box): SampleDescription => {
  const reader = new BoxReader(bytes, entry);
  reader.skip(SAMPLE_ENTRY_HEADER_BYTES + 16); // pre_defined, reserved, pre_defined[3]
  const width = reader.u16();
  const height = reader.u16();
  const children = readChildBoxes(bytes, entry, VISUAL_SAMPLE_ENTRY_BYTES);
  switch (entry.type) {
    case 'avc1':
    case 'avc3':
      return { codec: readAvcCodec(bytes, entry.type, children), width, height };
    case 'hvc1':
    case 'hev1':
      return { codec: readHevcCodec(bytes, entry.type, children), width, height };
    default:
      throw new RepriseError('CODEC_UNSUPPORTED', `video sample entry '${entry.type}' is not supported for HLS`, { details: { entry: entry.type } });
  }
};

/** A descriptor's tag and payload range (ISO/IEC 14496-1 §8.3.3: sizes in up to four 7-bit groups). */
const readDescriptor = (reader: BoxReader): { tag: number; start: number; end: number } => {
  const tag = reader.u8();
  let size = 0;
  for (let i = 0; i < 4; i++) {
    const byte = reader.u8();
    size = (size << 7) | (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      break;
    }
  }
  if (size > reader.bytesLeft) {
    failSegment('esds: descriptor runs past the box', { tag, size });
  }
  return { tag, start: reader.position, end: reader.position + size };
};

const subReader = (bytes: Uint8Array, range: { start: number; end: number }): BoxReader =>
  new BoxReader(bytes, { type: 'esds', start: range.start, contentStart: range.start, end: range.end });

/** Finds the descriptor `tag` among the descriptors that fill `reader` to its end. */
const findDescriptor = (bytes: Uint8Array, reader: BoxReader, tag: number): BoxReader | null => {
  while (reader.bytesLeft > 0) {
    const descriptor = readDescriptor(reader);
    if (descriptor.tag === tag) {
      return subReader(bytes, descriptor);
    }
    reader.skip(descriptor.end - descriptor.start);
  }
  return null;
};

// ISO/IEC 14496-3 §1.6.3.4 (samplingFrequencyIndex) and §1.6.3.5 (channelConfiguration: 7 means 7.1).
const AAC_SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
const AAC_CHANNEL_COUNTS: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 8, 11: 7, 12: 8, 14: 8 };

type AudioSpecificConfig = { objectType: number; sampleRate: number | null; channelCount: number | null };

/** The head of an AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): object type, rate and channels. */
const readAudioSpecificConfig = (config: Uint8Array): AudioSpecificConfig => {
  let bitOffset = 0;
  const readBits = (count: number): number => {
    let value = 0;
    for (let i = 0; i < count; i++, bitOffset++) {
      const byte = config[bitOffset >>> 3];
      if (byte === undefined) {
        return failSegment('esds: AudioSpecificConfig is truncated');
      }
      value = value * 2 + ((byte >>> (7 - (bitOffset & 7))) & 1);
    }
    return value;
  };
  let objectType = readBits(5);
  if (objectType === 31) {
    objectType = 32 + readBits(6);
  }
  const readSampleRate = (): number | null => {
    const index = readBits(4);
    return index === 0xf ? readBits(24) : (AAC_SAMPLE_RATES[index] ?? null);
  };
  let sampleRate = readSampleRate();
  const channelCount = AAC_CHANNEL_COUNTS[readBits(4)] ?? null;
  if (objectType === 5 || objectType === 29) {
    // Explicit SBR (HE-AAC v1/v2): the extension rate is the output rate; the codec string keeps 5 or 29.
    sampleRate = readSampleRate();
  }
  return { objectType, sampleRate, channelCount };
};

type EsdsInfo = { codec: string; config: AudioSpecificConfig | null };

/** `mp4a.40.<audioObjectType>` for MPEG-4 audio, `mp4a.<OTI>` otherwise (RFC 6381 §3.3). */
const readEsds = (bytes: Uint8Array, children: readonly Box[]): EsdsInfo => {
  const esds = requireBox(children, 'esds', 'mp4a');
  const reader = new BoxReader(bytes, esds);
  reader.fullBoxHeader();
  const es = findDescriptor(bytes, reader, 0x03);
  if (es === null) {
    return failSegment('esds has no ES_Descriptor');
  }
  es.skip(2); // ES_ID
  const esFlags = es.u8();
  if ((esFlags & 0x80) !== 0) {
    es.skip(2); // dependsOn_ES_ID
  }
  if ((esFlags & 0x40) !== 0) {
    es.skip(es.u8()); // URLstring
  }
  if ((esFlags & 0x20) !== 0) {
    es.skip(2); // OCR_ES_Id
  }
  const decoderConfig = findDescriptor(bytes, es, 0x04);
  if (decoderConfig === null) {
    return failSegment('esds has no DecoderConfigDescriptor');
  }
  const objectTypeIndication = decoderConfig.u8();
  decoderConfig.skip(12); // streamType, bufferSizeDB, maxBitrate, avgBitrate
  if (objectTypeIndication !== 0x40) {
    return { codec: `mp4a.${hex2(objectTypeIndication).toUpperCase()}`, config: null };
  }
  const specificInfo = findDescriptor(bytes, decoderConfig, 0x05);
  if (specificInfo === null) {
    return failSegment('esds: MPEG-4 audio without an AudioSpecificConfig');
  }
  const config = readAudioSpecificConfig(specificInfo.slice(specificInfo.bytesLeft));
  return { codec: `mp4a.40.${config.objectType}`, config };
};

const readAudioSampleEntry = (bytes: Uint8Array, entry: Box): SampleDescription => {
  const reader = new BoxReader(bytes, entry);
  reader.skip(SAMPLE_ENTRY_HEADER_BYTES);
  const soundVersion = reader.u16();
  reader.skip(6); // revision, vendor
  const channelCount = reader.u16();
  reader.skip(6); // samplesize, pre_defined, reserved
  const sampleRate = reader.u32() >>> 16; // 16.16 fixed point
  const extra = QUICKTIME_AUDIO_EXTRA_BYTES[soundVersion];
  if (extra === undefined) {
    failSegment(`'${entry.type}' sample entry: unknown version`, { version: soundVersion });
  }
  const children = readChildBoxes(bytes, entry, AUDIO_SAMPLE_ENTRY_BYTES + extra);
  switch (entry.type) {
    case 'mp4a': {
      // ISO writers put the template value 2 in channelcount; the AudioSpecificConfig has the truth.
      const { codec, config } = readEsds(bytes, children);
      return { codec, channelCount: config?.channelCount ?? channelCount, sampleRate: config?.sampleRate ?? sampleRate };
    }
    case 'Opus':
      return { codec: 'opus', channelCount, sampleRate };
    case 'fLaC':
      return { codec: 'flac', channelCount, sampleRate };
    default:
      throw new RepriseError('CODEC_UNSUPPORTED', `audio sample entry '${entry.type}' is not supported for HLS`, { details: { entry: entry.type } });
  }
};

const HANDLER_KINDS: Record<string, TrackKind> = { vide: 'video', soun: 'audio' };

const readTrackId = (bytes: Uint8Array, trak: readonly Box[]): number => {
  const reader = new BoxReader(bytes, requireBox(trak, 'tkhd', 'trak'));
  const { version } = reader.fullBoxHeader();
  reader.skip(version === 1 ? 16 : 8); // creation_time, modification_time
  return reader.u32();
};

const readTimescale = (bytes: Uint8Array, mdia: readonly Box[]): number => {
  const reader = new BoxReader(bytes, requireBox(mdia, 'mdhd', 'mdia'));
  const { version } = reader.fullBoxHeader();
  reader.skip(version === 1 ? 16 : 8);
  const timescale = reader.u32();
  if (timescale === 0) {
    failSegment('mdhd: timescale is 0');
  }
  return timescale;
};

const readHandlerType = (bytes: Uint8Array, mdia: readonly Box[]): string => {
  const reader = new BoxReader(bytes, requireBox(mdia, 'hdlr', 'mdia'));
  reader.fullBoxHeader();
  reader.skip(4); // pre_defined
  return reader.fourCc();
};

const readFirstSampleEntry = (bytes: Uint8Array, mdia: readonly Box[]): Box => {
  const minf = readChildBoxes(bytes, requireBox(mdia, 'minf', 'mdia'));
  const stbl = readChildBoxes(bytes, requireBox(minf, 'stbl', 'minf'));
  const stsd = requireBox(stbl, 'stsd', 'stbl');
  const reader = new BoxReader(bytes, stsd);
  reader.fullBoxHeader();
  const entryCount = reader.u32();
  const entries = readBoxes(bytes, reader.position, stsd.end);
  const first = entries[0];
  if (entryCount === 0 || first === undefined) {
    return failSegment('stsd has no sample entry');
  }
  return first;
};

const readTrackExtends = (bytes: Uint8Array, mvex: Box): Map<number, SampleDefaults> => {
  const defaults = new Map<number, SampleDefaults>();
  for (const trex of readChildBoxes(bytes, mvex).filter((box) => box.type === 'trex')) {
    const reader = new BoxReader(bytes, trex);
    reader.fullBoxHeader();
    const trackId = reader.u32();
    reader.skip(4); // default_sample_description_index
    defaults.set(trackId, { durationTicks: reader.u32(), byteLength: reader.u32(), flags: reader.u32() });
  }
  return defaults;
};

const readTrack = (bytes: Uint8Array, trakBox: Box, trackExtends: Map<number, SampleDefaults>): InitTrack | null => {
  const trak = readChildBoxes(bytes, trakBox);
  const trackId = readTrackId(bytes, trak);
  const mdia = readChildBoxes(bytes, requireBox(trak, 'mdia', 'trak'));
  const kind = HANDLER_KINDS[readHandlerType(bytes, mdia)];
  if (kind === undefined) {
    return null; // text, metadata and hint tracks play no part in HLS variants
  }
  const timescale = readTimescale(bytes, mdia);
  const entry = readFirstSampleEntry(bytes, mdia);
  const description = kind === 'video' ? readVisualSampleEntry(bytes, entry) : readAudioSampleEntry(bytes, entry);
  const sampleDefaults = trackExtends.get(trackId);
  if (sampleDefaults === undefined) {
    return failSegment('mvex has no trex for a track', { trackId });
  }
  return { trackId, kind, timescale, ...description, sampleDefaults };
};

/** Reads an fMP4 initialization section. Malformed input → RepriseError HLS_BAD_SEGMENT. */
export const parseInitSegment = (bytes: Uint8Array): InitSegment => {
  const top = readBoxes(bytes, 0, bytes.length);
  const moov = readChildBoxes(bytes, requireBox(top, 'moov', 'init segment'));
  const mvex = findBox(moov, 'mvex');
  if (mvex === undefined) {
    return failSegment('moov has no mvex: not a fragmented MP4');
  }
  const trackExtends = readTrackExtends(bytes, mvex);
  const tracks: InitTrack[] = [];
  for (const trak of moov.filter((box) => box.type === 'trak')) {
    const track = readTrack(bytes, trak, trackExtends);
    if (track !== null) {
      if (tracks.some((other) => other.trackId === track.trackId)) {
        failSegment('two tracks share a track_ID', { trackId: track.trackId });
      }
      tracks.push(track);
    }
  }
  if (tracks.length === 0) {
    return failSegment('init segment has no audio or video track');
  }
  return { tracks };
};
