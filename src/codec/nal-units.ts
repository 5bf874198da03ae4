/**
 * NAL units as ISO/IEC 14496-15 samples carry them (§5.3.2 for AVC, §8.3.2 for HEVC): each unit preceded
 * by its length, big-endian, in `lengthSizeMinusOne + 1` bytes. Reprise always writes 4-byte lengths,
 * the value its avcC/hvcC records announce.
 */

/** Joins NAL units (headers included, no start codes) into one length-prefixed sample. */
export const joinLengthPrefixed = (nalUnits: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(nalUnits.reduce((sum, unit) => sum + 4 + unit.length, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const unit of nalUnits) {
    view.setUint32(offset, unit.length);
    out.set(unit, offset + 4);
    offset += 4 + unit.length;
  }
  return out;
};
