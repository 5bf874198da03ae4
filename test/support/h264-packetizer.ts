/**
 * A test-only H.264 packetizer written from RFC 6184 (packetization mode 1), so tests can produce every
 * payload shape deterministically: single NAL unit packets, STAP-A aggregates of small NAL units (§5.7.1)
 * and FU-A fragments of large ones (§5.8). Also splits an Annex B stream into access units.
 */
import { iterateNalUnitsInAnnexB } from '../../src/codec/h264.js';
import { concatBytes } from '../../src/shared/bytes.js';

/** Payloads for one access unit. `aggregate` packs consecutive small NAL units into STAP-A. */
export const packetizeH264AccessUnit = (nalUnits: readonly Uint8Array[], options: { mtu: number; aggregate: boolean }): Uint8Array[] => {
  const payloads: Uint8Array[] = [];
  let stap: Uint8Array[] = [];
  const flushStap = (): void => {
    if (stap.length === 1) {
      payloads.push(stap[0]!);
    } else if (stap.length > 1) {
      const header = stap.reduce((max, unit) => Math.max(max, unit[0]! & 0x60), 0) | (stap.some((unit) => (unit[0]! & 0x80) !== 0) ? 0x80 : 0) | 24;
      payloads.push(concatBytes([Uint8Array.of(header), ...stap.flatMap((unit) => [Uint8Array.of(unit.length >> 8, unit.length & 0xff), unit])]));
    }
    stap = [];
  };
  for (const unit of nalUnits) {
    if (unit.length > options.mtu) {
      flushStap();
      const indicator = (unit[0]! & 0xe0) | 28;
      const type = unit[0]! & 0x1f;
      const body = unit.subarray(1);
      const chunk = options.mtu - 2;
      for (let offset = 0; offset < body.length; offset += chunk) {
        const start = offset === 0 ? 0x80 : 0;
        const end = offset + chunk >= body.length ? 0x40 : 0;
        payloads.push(concatBytes([Uint8Array.of(indicator, start | end | type), body.subarray(offset, offset + chunk)]));
      }
      continue;
    }
    const stapSize = 1 + stap.reduce((sum, item) => sum + 2 + item.length, 0) + 2 + unit.length;
    if (!options.aggregate || stapSize > options.mtu) {
      flushStap();
    }
    stap.push(unit);
    if (!options.aggregate) {
      flushStap();
    }
  }
  flushStap();
  return payloads;
};

const opensAccessUnit = (unit: Uint8Array): boolean => {
  const type = unit[0]! & 0x1f;
  return [6, 7, 8, 9].includes(type) || ((type === 1 || type === 5) && (unit[1]! & 0x80) !== 0);
};

/** Access units of an Annex B stream (H.264 §7.4.1.2.3), each a list of NAL units. */
export const splitH264AccessUnits = (annexB: Uint8Array): Uint8Array[][] => {
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
    const type = unit[0]! & 0x1f;
    sawSlice ||= type >= 1 && type <= 5;
  }
  if (current.length > 0) {
    units.push(current);
  }
  return units;
};
