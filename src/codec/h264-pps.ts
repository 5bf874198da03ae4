/**
 * H.264 picture parameter set, its first two fields only (ITU-T H.264 §7.3.2.2):
 *
 *     pic_parameter_set_id ue(v)   0..255
 *     seq_parameter_set_id ue(v)   0..31
 *
 * Enough to keep one PPS per id, as a decoder does, when the stream carries several.
 */
import { BitReader } from '../shared/bit-reader.js';
import { RepriseError } from '../shared/errors.js';
import { AvcNalUnitType, getAvcNalUnitType, removeEmulationPrevention } from './h264.js';

export type AvcPpsIds = { ppsId: number; spsId: number };

/** Throws CODEC_MALFORMED when the NAL unit is not a PPS or its ids are out of range. */
export const parseAvcPpsIds = (nalUnit: Uint8Array): AvcPpsIds => {
  const header = nalUnit[0];
  if (header === undefined || getAvcNalUnitType(header) !== AvcNalUnitType.Pps) {
    throw new RepriseError('CODEC_MALFORMED', 'H.264: not a PPS NAL unit');
  }
  // The ids sit in the first bytes, so only a short prefix needs emulation prevention removed.
  const reader = new BitReader(removeEmulationPrevention(nalUnit.subarray(0, 16)), 1);
  const ppsId = reader.readUe();
  const spsId = reader.readUe();
  if (ppsId > 255 || spsId > 31) {
    throw new RepriseError('CODEC_MALFORMED', `H.264: PPS ids out of range (pps ${ppsId}, sps ${spsId})`, { details: { ppsId, spsId } });
  }
  return { ppsId, spsId };
};
