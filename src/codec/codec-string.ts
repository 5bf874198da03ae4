/**
 * Codec strings (RFC 6381 style, as WebCodecs and MSE use them) from the configuration records the
 * depacketizers build: avcC (ISO 14496-15 §5.3.3), hvcC (§8.3.3), av1C (AV1-ISOBMFF §2.3). VP8 and VP9
 * need no record; VP9's string comes from its frame header (vpcC fields: profile, level, bit depth).
 */
import type { VideoCodec } from '../rtp/video-probe.js';

const hex2 = (value: number): string => value.toString(16).padStart(2, '0');

export const avcCodecString = (avcC: Uint8Array): string => `avc1.${hex2(avcC[1] ?? 0x42)}${hex2(avcC[2] ?? 0)}${hex2(avcC[3] ?? 0x1f)}`;

export const av1CodecString = (av1C: Uint8Array): string => {
  const profile = (av1C[1] ?? 0) >>> 5;
  const level = (av1C[1] ?? 0) & 0x1f;
  const flags = av1C[2] ?? 0;
  const tier = (flags & 0x80) !== 0 ? 'H' : 'M';
  const highBitDepth = (flags & 0x40) !== 0;
  const twelveBit = (flags & 0x20) !== 0;
  const bitDepth = highBitDepth ? (twelveBit ? 12 : 10) : 8;
  return `av01.${profile}.${String(level).padStart(2, '0')}${tier}.${String(bitDepth).padStart(2, '0')}`;
};

export const hevcCodecString = (hvcC: Uint8Array): string => {
  const first = hvcC[1] ?? 0;
  const space = ['', 'A', 'B', 'C'][first >>> 6]!;
  const tier = (first & 0x20) !== 0 ? 'H' : 'L';
  const profile = first & 0x1f;
  let compatibility = 0;
  for (let i = 0; i < 32; i++) {
    const bit = ((hvcC[2 + (i >>> 3)] ?? 0) >>> (7 - (i & 7))) & 1;
    compatibility |= bit << i; // reversed bit order, as RFC 6381 / ISO 14496-15 Annex E want
  }
  const constraints = Array.from({ length: 6 }, (_, i) => hvcC[6 + i] ?? 0);
  while (constraints.length > 1 && constraints[constraints.length - 1] === 0) {
    constraints.pop();
  }
  const level = hvcC[12] ?? 0;
  return `hvc1.${space}${profile}.${(compatibility >>> 0).toString(16)}.${tier}${level}.${constraints.map((byte) => byte.toString(16)).join('.')}`;
};

export const vp9CodecString = (profile = 0, bitDepth = 8, level = 31): string =>
  `vp09.${String(profile).padStart(2, '0')}.${String(level).padStart(2, '0')}.${String(bitDepth).padStart(2, '0')}`;

/** The codec string for a track, from its configuration record where the codec has one. */
export const videoCodecString = (codec: VideoCodec, record: Uint8Array | null): string => {
  switch (codec) {
    case 'vp8':
      return 'vp8';
    case 'vp9':
      return vp9CodecString();
    case 'h264':
      return record === null ? 'avc1.42001f' : avcCodecString(record);
    case 'h265':
      return record === null ? 'hvc1.1.6.L93.b0' : hevcCodecString(record);
    case 'av1':
      return record === null ? 'av01.0.04M.08' : av1CodecString(record);
  }
};
