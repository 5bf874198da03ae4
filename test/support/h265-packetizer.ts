/**
 * A test-only H.265 packetizer written from RFC 7798 (no DONL): single NAL unit packets, aggregation
 * packets (AP, §4.4.2) of small NAL units and fragmentation units (FU, §4.4.3) of large ones. Also
 * splits an Annex B stream into access units.
 */
import { iterateNalUnitsInAnnexB } from '../../src/codec/h264.js';
import { concatBytes } from '../../src/shared/bytes.js';

const typeOf = (unit: Uint8Array): number => (unit[0]! >> 1) & 0x3f;

export const packetizeH265AccessUnit = (nalUnits: readonly Uint8Array[], options: { mtu: number; aggregate: boolean }): Uint8Array[] => {
  const payloads: Uint8Array[] = [];
  let ap: Uint8Array[] = [];
  const flushAp = (): void => {
    if (ap.length === 1) {
      payloads.push(ap[0]!);
    } else if (ap.length > 1) {
      // PayloadHdr: F = OR of F bits, LayerId and TID the lowest of the units (§4.4.2), Type 48.
      const layerId = Math.min(...ap.map((unit) => ((unit[0]! & 1) << 5) | (unit[1]! >> 3)));
      const tid = Math.min(...ap.map((unit) => unit[1]! & 7));
      const header = Uint8Array.of((48 << 1) | (layerId >> 5), ((layerId & 0x1f) << 3) | tid);
      payloads.push(concatBytes([header, ...ap.flatMap((unit) => [Uint8Array.of(unit.length >> 8, unit.length & 0xff), unit])]));
    }
    ap = [];
  };
  for (const unit of nalUnits) {
    if (unit.length > options.mtu) {
      flushAp();
      const header = Uint8Array.of((unit[0]! & 0x81) | (49 << 1), unit[1]!);
      const body = unit.subarray(2);
      const chunk = options.mtu - 3;
      for (let offset = 0; offset < body.length; offset += chunk) {
        const fuHeader = (offset === 0 ? 0x80 : 0) | (offset + chunk >= body.length ? 0x40 : 0) | typeOf(unit);
        payloads.push(concatBytes([header, Uint8Array.of(fuHeader), body.subarray(offset, offset + chunk)]));
      }
      continue;
    }
    const apSize = 2 + ap.reduce((sum, item) => sum + 2 + item.length, 0) + 2 + unit.length;
    if (!options.aggregate || apSize > options.mtu) {
      flushAp();
    }
    ap.push(unit);
    if (!options.aggregate) {
      flushAp();
    }
  }
  flushAp();
  return payloads;
};

const opensAccessUnit = (unit: Uint8Array): boolean => {
  const type = typeOf(unit);
  return [32, 33, 34, 35, 39].includes(type) || (type <= 31 && (unit[2]! & 0x80) !== 0);
};

/** Access units of an Annex B stream (H.265 §7.4.2.4.4), each a list of NAL units. */
export const splitH265AccessUnits = (annexB: Uint8Array): Uint8Array[][] => {
  const units: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let sawSlice = false;
  for (const { offset, length } of iterateNalUnitsInAnnexB(annexB)) {
    const unit = annexB.subarray(offset, offset + length);
    if (sawSlice && opensAccessUnit(unit)) {
      units.push(current);
      current = [];
      sawSlice = false;
    }
    current.push(unit);
    sawSlice ||= typeOf(unit) <= 31;
  }
  if (current.length > 0) {
    units.push(current);
  }
  return units;
};
