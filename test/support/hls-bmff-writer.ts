/**
 * A tiny ISO BMFF writer for invented fMP4 cases (layouts and defaults that ffmpeg never writes): each
 * helper returns the bytes of one box, so a test shows the structure it is about.
 */
import { concatBytes } from '../../src/shared/bytes.js';

type Part = Uint8Array | number[];

const toBytes = (part: Part): Uint8Array => (part instanceof Uint8Array ? part : Uint8Array.from(part));

export const u8 = (value: number): number[] => [value & 0xff];
export const u16 = (value: number): number[] => [(value >>> 8) & 0xff, value & 0xff];
export const u24 = (value: number): number[] => [(value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
export const u32 = (value: number): number[] => [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
export const u64 = (value: number): number[] => [...u32(Math.floor(value / 2 ** 32)), ...u32(value % 2 ** 32)];
export const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));
export const zeros = (count: number): number[] => new Array<number>(count).fill(0);

export const box = (type: string, ...parts: Part[]): Uint8Array => {
  const payload = concatBytes(parts.map(toBytes));
  return concatBytes([Uint8Array.from([...u32(payload.length + 8), ...ascii(type)]), payload]);
};

export const fullBox = (type: string, version: number, flags: number, ...parts: Part[]): Uint8Array => box(type, [version, ...u24(flags)], ...parts);

// ---- init segment ----

export type TrackSpec = {
  trackId: number;
  kind: 'video' | 'audio';
  timescale: number;
  trex?: { durationTicks: number; byteLength: number; flags: number };
  /** avcC bytes 1–3 for video (default High 3.1), AudioSpecificConfig for audio (default AAC-LC 48 kHz stereo). */
  config?: number[];
};

const avc1 = (config: number[]): Uint8Array =>
  box('avc1', zeros(6), u16(1), zeros(16), u16(640), u16(360), u32(0x0048_0000), u32(0x0048_0000), zeros(4), u16(1), zeros(32), u16(0x18), u16(0xffff),
    box('avcC', [1, ...config, 0xff, 0xe0, 0x00]));

const esDescriptor = (audioSpecificConfig: number[]): number[] => {
  const decoderSpecific = [0x05, audioSpecificConfig.length, ...audioSpecificConfig];
  const decoderConfig = [0x04, 13 + decoderSpecific.length, 0x40, 0x15, ...u24(0), ...u32(128_000), ...u32(128_000), ...decoderSpecific];
  const slConfig = [0x06, 1, 0x02];
  const body = [...u16(1), 0x00, ...decoderConfig, ...slConfig];
  return [0x03, 0x80, 0x80, 0x80, body.length, ...body]; // a four-byte size, as some muxers write
};

const mp4a = (config: number[]): Uint8Array =>
  box('mp4a', zeros(6), u16(1), zeros(8), u16(2), u16(16), zeros(4), u32(48_000 * 65536), fullBox('esds', 0, 0, esDescriptor(config)));

const trak = (track: TrackSpec): Uint8Array => {
  const entry = track.kind === 'video' ? avc1(track.config ?? [0x64, 0x00, 0x1f]) : mp4a(track.config ?? [0x11, 0x90]);
  return box(
    'trak',
    fullBox('tkhd', 0, 3, zeros(8), u32(track.trackId), zeros(68)),
    box(
      'mdia',
      fullBox('mdhd', 0, 0, zeros(8), u32(track.timescale), u32(0), zeros(4)),
      fullBox('hdlr', 0, 0, zeros(4), ascii(track.kind === 'video' ? 'vide' : 'soun'), zeros(12), [0]),
      box('minf', box('stbl', fullBox('stsd', 0, 0, u32(1), entry))),
    ),
  );
};

export const buildInit = (tracks: readonly TrackSpec[]): Uint8Array =>
  concatBytes([
    box('ftyp', ascii('iso6'), u32(0), ascii('iso6mp41')),
    box(
      'moov',
      fullBox('mvhd', 0, 0, zeros(96)),
      ...tracks.map(trak),
      box('mvex', ...tracks.map((track) => fullBox('trex', 0, 0, u32(track.trackId), u32(1), u32(track.trex?.durationTicks ?? 0), u32(track.trex?.byteLength ?? 0), u32(track.trex?.flags ?? 0)))),
    ),
  ]);

// ---- media segment ----

export type SampleSpec = { duration?: number; size?: number; flags?: number; compositionOffset?: number };

export type TrunSpec = { dataOffset?: number; firstSampleFlags?: number; samples: SampleSpec[]; sampleCount?: number };

export type TrafSpec = {
  trackId: number;
  baseMediaDecodeTime: number;
  tfdtVersion?: 0 | 1;
  omitTfdt?: boolean;
  baseDataOffset?: number;
  defaultBaseIsMoof?: boolean;
  defaultDuration?: number;
  defaultSize?: number;
  defaultFlags?: number;
  truns: TrunSpec[];
};

const trun = (spec: TrunSpec): Uint8Array => {
  const first = spec.samples[0] ?? {};
  let flags = 0;
  flags |= spec.dataOffset === undefined ? 0 : 0x1;
  flags |= spec.firstSampleFlags === undefined ? 0 : 0x4;
  flags |= first.duration === undefined ? 0 : 0x100;
  flags |= first.size === undefined ? 0 : 0x200;
  flags |= first.flags === undefined ? 0 : 0x400;
  flags |= first.compositionOffset === undefined ? 0 : 0x800;
  const records = spec.samples.flatMap((sample) => [
    ...(sample.duration === undefined ? [] : u32(sample.duration)),
    ...(sample.size === undefined ? [] : u32(sample.size)),
    ...(sample.flags === undefined ? [] : u32(sample.flags)),
    ...(sample.compositionOffset === undefined ? [] : u32(sample.compositionOffset)),
  ]);
  return fullBox(
    'trun',
    0,
    flags,
    u32(spec.sampleCount ?? spec.samples.length),
    spec.dataOffset === undefined ? [] : u32(spec.dataOffset),
    spec.firstSampleFlags === undefined ? [] : u32(spec.firstSampleFlags),
    records,
  );
};

const traf = (spec: TrafSpec): Uint8Array => {
  let flags = 0;
  const fields: number[] = [];
  if (spec.baseDataOffset !== undefined) {
    flags |= 0x1;
    fields.push(...u64(spec.baseDataOffset));
  }
  for (const [bit, value] of [[0x8, spec.defaultDuration], [0x10, spec.defaultSize], [0x20, spec.defaultFlags]] as const) {
    if (value !== undefined) {
      flags |= bit;
      fields.push(...u32(value));
    }
  }
  if (spec.defaultBaseIsMoof === true) {
    flags |= 0x02_0000;
  }
  const tfdt = spec.tfdtVersion === 0 ? fullBox('tfdt', 0, 0, u32(spec.baseMediaDecodeTime)) : fullBox('tfdt', 1, 0, u64(spec.baseMediaDecodeTime));
  return box('traf', fullBox('tfhd', 0, flags, u32(spec.trackId), fields), ...(spec.omitTfdt === true ? [] : [tfdt]), ...spec.truns.map(trun));
};

export const buildMoof = (sequence: number, trafs: readonly TrafSpec[]): Uint8Array => box('moof', fullBox('mfhd', 0, 0, u32(sequence)), ...trafs.map(traf));

export const buildMdat = (payload: Uint8Array | number[]): Uint8Array => box('mdat', payload);

export const buildStyp = (): Uint8Array => box('styp', ascii('msdh'), u32(0), ascii('msdhmsix'));

export const SYNC_FLAGS = 0x0200_0000; // sample_depends_on = 2 (an I-frame)
export const NON_SYNC_FLAGS = 0x0101_0000; // depends on others, sample_is_non_sync_sample
