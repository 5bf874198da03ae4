/**
 * Header extensions Reprise reads, found by the ids the `.mjr` header's extmap gives:
 * - audio level, RFC 6464 §3: |V| level(7)|, level in -dBov (0 loudest, 127 silence), V = voice activity.
 * - video orientation, 3GPP TS 26.114 §7.4.5 (CVO): |0 0 0 0 C F R1 R0|, rotation = R1R0 × 90° clockwise.
 */
import type { RtpHeaderExtension } from './packet.js';

export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
export const VIDEO_ORIENTATION_URI = 'urn:3gpp:video-orientation';

export type AudioLevel = { levelDbov: number; voiceActivity: boolean };
export type VideoOrientation = { rotationDeg: 0 | 90 | 180 | 270; flipHorizontal: boolean; cameraBack: boolean };

const findElement = (extensions: readonly RtpHeaderExtension[], id: number | null): RtpHeaderExtension | undefined =>
  id === null ? undefined : extensions.find((element) => element.id === id);

export const readAudioLevel = (extensions: readonly RtpHeaderExtension[], id: number | null): AudioLevel | null => {
  const element = findElement(extensions, id);
  if (element === undefined || element.data.length < 1) {
    return null;
  }
  const byte = element.data[0]!;
  return { levelDbov: -(byte & 0x7f), voiceActivity: (byte & 0x80) !== 0 };
};

export const readVideoOrientation = (extensions: readonly RtpHeaderExtension[], id: number | null): VideoOrientation | null => {
  const element = findElement(extensions, id);
  if (element === undefined || element.data.length < 1) {
    return null;
  }
  const byte = element.data[0]!;
  return {
    rotationDeg: ((byte & 0x03) * 90) as VideoOrientation['rotationDeg'],
    flipHorizontal: (byte & 0x04) !== 0,
    cameraBack: (byte & 0x08) !== 0,
  };
};
