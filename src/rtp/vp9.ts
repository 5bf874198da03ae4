/**
 * VP9 RTP payload descriptor: RFC 9628 §4.2 (flexible and non-flexible mode) and §4.2.1
 * (scalability structure).
 *
 *  Flexible mode (F = 1)                 Non-flexible mode (F = 0)
 *        0 1 2 3 4 5 6 7                       0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+                     +-+-+-+-+-+-+-+-+
 *       |I|P|L|F|B|E|V|Z| (REQUIRED)          |I|P|L|F|B|E|V|Z| (REQUIRED)
 *       +-+-+-+-+-+-+-+-+                     +-+-+-+-+-+-+-+-+
 *  I:   |M| PICTURE ID  | (REQUIRED)     I:   |M| PICTURE ID  | (RECOMMENDED)
 *       +-+-+-+-+-+-+-+-+                     +-+-+-+-+-+-+-+-+
 *  M:   | EXTENDED PID  | (RECOMMENDED)  M:   | EXTENDED PID  | (RECOMMENDED)
 *       +-+-+-+-+-+-+-+-+                     +-+-+-+-+-+-+-+-+
 *  L:   | TID |U| SID |D| (CONDITIONALLY L:   | TID |U| SID |D| (CONDITIONALLY RECOMMENDED)
 *       +-+-+-+-+-+-+-+-+  RECOMMENDED)       +-+-+-+-+-+-+-+-+
 *  P,F: | P_DIFF      |N| (CONDITIONALLY      |   TL0PICIDX   | (CONDITIONALLY REQUIRED)
 *       +-+-+-+-+-+-+-+-+  REQUIRED)          +-+-+-+-+-+-+-+-+
 *                   (up to 3 times)      V:   | SS            |
 *  V:   | SS            |                     | ..            |
 *       | ..            |                     +-+-+-+-+-+-+-+-+
 *       +-+-+-+-+-+-+-+-+
 *
 *  Scalability structure (SS):
 *       +-+-+-+-+-+-+-+-+
 *  V:   | N_S |Y|G|-|-|-|
 *       +-+-+-+-+-+-+-+-+              -\
 *  Y:   |     WIDTH     | (OPTIONAL)    .
 *       +               +               .
 *       |               | (OPTIONAL)    .
 *       +-+-+-+-+-+-+-+-+               . - N_S + 1 times
 *       |     HEIGHT    | (OPTIONAL)    .
 *       +               +               .
 *       |               | (OPTIONAL)    .
 *       +-+-+-+-+-+-+-+-+              -/
 *  G:   |      N_G      | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+                            -\
 *  N_G: |  TID  |U| R |-|-| (OPTIONAL)                .
 *       +-+-+-+-+-+-+-+-+              -\             . - N_G times
 *       |    P_DIFF     | (OPTIONAL)    . - R times   .
 *       +-+-+-+-+-+-+-+-+              -/            -/
 *
 * I: picture ID present; P: inter-picture predicted; L: layer indices present; F: flexible mode;
 * B: start of a layer frame; E: end of a layer frame; V: SS present; Z: not a reference for upper
 * spatial layers. M = 1 makes the picture ID 15 bits. TID/U/SID/D: temporal layer, switching-up
 * point, spatial layer, inter-layer dependency. N = 1 after a P_DIFF means another follows.
 * WIDTH and HEIGHT are 16-bit big-endian.
 */
import { RepriseError } from '../shared/errors.js';

export type Vp9PictureGroup = { temporalId: number; switchingUp: boolean; pDiffs: number[] };

export type Vp9ScalabilityStructure = {
  /** N_S + 1. */
  spatialLayerCount: number;
  /** Y = 1: one entry per spatial layer, lowest first. */
  resolutions?: { width: number; height: number }[];
  /** G = 1: the picture groups. */
  pictureGroups?: Vp9PictureGroup[];
};

export type Vp9Descriptor = {
  i: boolean;
  p: boolean;
  l: boolean;
  f: boolean;
  b: boolean;
  e: boolean;
  v: boolean;
  z: boolean;
  pictureId?: number;
  pictureIdBits?: 7 | 15;
  temporalId?: number;
  switchingUp?: boolean;
  spatialId?: number;
  interLayerDependency?: boolean;
  /** Non-flexible mode with L = 1. */
  tl0PicIdx?: number;
  /** Flexible mode with P = 1: reference picture ID differences, 1 to 3. */
  pDiffs?: number[];
  scalabilityStructure?: Vp9ScalabilityStructure;
  /** Bytes of descriptor before the VP9 payload. */
  headerLength: number;
};

const MAX_P_DIFFS = 3;

class Cursor {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  u8(): number {
    const value = this.bytes[this.offset];
    if (value === undefined) {
      throw new RepriseError('CODEC_MALFORMED', `VP9 payload descriptor ends at byte ${this.bytes.length}`, {
        details: { length: this.bytes.length },
      });
    }
    this.offset++;
    return value;
  }

  u16(): number {
    const high = this.u8();
    return (high << 8) | this.u8();
  }
}

const readScalabilityStructure = (cursor: Cursor): Vp9ScalabilityStructure => {
  const header = cursor.u8();
  const ss: Vp9ScalabilityStructure = { spatialLayerCount: (header >>> 5) + 1 };
  if ((header & 0x10) !== 0) {
    ss.resolutions = [];
    for (let i = 0; i < ss.spatialLayerCount; i++) {
      ss.resolutions.push({ width: cursor.u16(), height: cursor.u16() });
    }
  }
  if ((header & 0x08) !== 0) {
    const groupCount = cursor.u8();
    ss.pictureGroups = [];
    for (let i = 0; i < groupCount; i++) {
      const group = cursor.u8();
      const referenceCount = (group >>> 2) & 0b11;
      const pDiffs: number[] = [];
      for (let r = 0; r < referenceCount; r++) {
        pDiffs.push(cursor.u8());
      }
      ss.pictureGroups.push({ temporalId: group >>> 5, switchingUp: (group & 0x10) !== 0, pDiffs });
    }
  }
  return ss;
};

/** Throws CODEC_MALFORMED when the descriptor is cut short or leaves no VP9 payload. */
export const parseVp9Descriptor = (payload: Uint8Array): Vp9Descriptor => {
  const cursor = new Cursor(payload);
  const first = cursor.u8();
  const descriptor: Vp9Descriptor = {
    i: (first & 0x80) !== 0,
    p: (first & 0x40) !== 0,
    l: (first & 0x20) !== 0,
    f: (first & 0x10) !== 0,
    b: (first & 0x08) !== 0,
    e: (first & 0x04) !== 0,
    v: (first & 0x02) !== 0,
    z: (first & 0x01) !== 0,
    headerLength: 0,
  };
  if (descriptor.i) {
    const high = cursor.u8();
    if ((high & 0x80) !== 0) {
      descriptor.pictureId = ((high & 0x7f) << 8) | cursor.u8();
      descriptor.pictureIdBits = 15;
    } else {
      descriptor.pictureId = high;
      descriptor.pictureIdBits = 7;
    }
  }
  if (descriptor.l) {
    const layer = cursor.u8();
    descriptor.temporalId = layer >>> 5;
    descriptor.switchingUp = (layer & 0x10) !== 0;
    descriptor.spatialId = (layer >>> 1) & 0b111;
    descriptor.interLayerDependency = (layer & 0x01) !== 0;
    if (!descriptor.f) {
      descriptor.tl0PicIdx = cursor.u8();
    }
  }
  if (descriptor.f && descriptor.p) {
    descriptor.pDiffs = [];
    for (;;) {
      const reference = cursor.u8();
      descriptor.pDiffs.push(reference >>> 1);
      if ((reference & 1) === 0) {
        break;
      }
      if (descriptor.pDiffs.length === MAX_P_DIFFS) {
        throw new RepriseError('CODEC_MALFORMED', 'VP9 payload descriptor has more than 3 P_DIFF fields');
      }
    }
  }
  if (descriptor.v) {
    descriptor.scalabilityStructure = readScalabilityStructure(cursor);
  }
  if (cursor.offset >= payload.length) {
    throw new RepriseError('CODEC_MALFORMED', 'VP9 packet has no payload after its descriptor', {
      details: { length: payload.length, headerLength: cursor.offset },
    });
  }
  descriptor.headerLength = cursor.offset;
  return descriptor;
};
