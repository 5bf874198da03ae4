/**
 * G.722 sub-band ADPCM decoders: ITU-T G.722 (09/2012), computational details of the decoder. The lower band uses
 * INVQAL/INVQBL, LOGSCL, SCALEL; the higher band INVQAH, LOGSCH, SCALEH; both share the adaptive predictor
 * blocks (PARREC, RECONS, UPPOL2, UPPOL1, UPZERO, DELAYA, FILTEP, FILTEZ, PREDIC), which are written once here.
 *
 * All arithmetic is the spec's 16-bit fixed point: `>>` is an arithmetic shift, products of two 16-bit words
 * are shifted right by 15, and the limits quoted are the spec's. Three word-length details are done as 16-bit
 * saturating arithmetic does them, and were confirmed bit-exact against ffmpeg's decoder (see g722.test.ts):
 * negating WD1 = -32768 in UPPOL2 gives 32767; RLT is a 16-bit word whose doubling in FILTEP saturates (the
 * 15-bit LIMIT applies to the output RL/RH only); the six FILTEZ terms are summed without a limit.
 */

/** Inverse quantizer output levels ×8 (the spec's fixed-point QQ6/QQ4 values), positive half, smallest first. */
const QQ6_LEVELS = [
  136, 432, 728, 1040, 1360, 1688, 2032, 2400, 2776, 3168, 3576, 4008, 4464, 4944, 5456, 6000, 6576, 7192,
  7856, 8576, 9360, 10232, 11192, 12280, 13512, 14984, 16704, 19008, 21904, 24808,
] as const;
const QQ4_LEVELS = [0, 1200, 2584, 4240, 6288, 8968, 12896, 20456] as const;
/** Higher band, 2-bit: the two magnitudes. */
const QQ2_INNER = 1616;
const QQ2_OUTER = 7408;

/** LOGSCL's log scale factor multipliers WL per 4-bit magnitude level, and LOGSCH's WH per 2-bit magnitude. */
const WL = [-60, -30, 58, 172, 334, 538, 1198, 3042] as const;
const WH_INNER = -214;
const WH_OUTER = 798;

/** ILB: the antilog table of SCALEL/SCALEH, round(2048 · 2^(i/32)). */
export const ILB = Int32Array.of(
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
  2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
);

/**
 * 6-bit code → signed level. The quantizer table's codes: positive interval m (1..30) is 62 - m; negative
 * interval m is 63 for m = 1, 62 for m = 2, 34 - m otherwise. Codes 0-3 are never sent; they decode as the
 * smallest negative level (as ffmpeg does: checked on random octets), and adapt as 4-bit code 0 (zero).
 */
const QQ6 = ((): Int32Array => {
  const table = new Int32Array(64).fill(-QQ6_LEVELS[0]);
  QQ6_LEVELS.forEach((level, index) => {
    const interval = index + 1;
    table[62 - interval] = level;
    table[interval <= 2 ? 64 - interval : 34 - interval] = -level;
  });
  return table;
})();

/** 4-bit code (ILR >> 2) → magnitude level index 0..7: codes 1-7 are negative, 8-14 positive, 0 and 15 zero. */
const levelIndexOf4Bit = (code: number): number => (code === 0 || code === 15 ? 0 : code < 8 ? 8 - code : 15 - code);

const QQ4 = Int32Array.from({ length: 16 }, (_, code) => {
  const level = QQ4_LEVELS[levelIndexOf4Bit(code)]!;
  return code < 8 ? -level : level;
});
const WL_BY_CODE = Int32Array.from({ length: 16 }, (_, code) => WL[levelIndexOf4Bit(code)]!);

export type Band = 'lower' | 'higher';

type BandLimits = { nbMax: number; scaleShift: number; detMin: number };

const LIMITS: Record<Band, BandLimits> = {
  lower: { nbMax: 18432, scaleShift: 8, detMin: 32 },
  higher: { nbMax: 22528, scaleShift: 10, detMin: 8 },
};

export type SubBandState = {
  band: Band;
  /** Predictor output S (SL or SH) and its zero-section part SZ. */
  s: number;
  sz: number;
  /** Scale factor DET and its log NB. */
  det: number;
  nb: number;
  a1: number;
  a2: number;
  /** Zero-section coefficients B1..B6 and past quantized differences D1..D6 (index 0 = 1). */
  b: Int32Array;
  d: Int32Array;
  /** Past partially reconstructed signals P1, P2 and reconstructed signals R1, R2. */
  p1: number;
  p2: number;
  r1: number;
  r2: number;
};

export const createSubBand = (band: Band): SubBandState => ({
  band,
  s: 0,
  sz: 0,
  det: LIMITS[band].detMin,
  nb: 0,
  a1: 0,
  a2: 0,
  b: new Int32Array(6),
  d: new Int32Array(6),
  p1: 0,
  p2: 0,
  r1: 0,
  r2: 0,
});

/** One lower sub-band sample from a 6-bit code: RL, limited to 15 bits. */
export const decodeLowerSubBand = (state: SubBandState, ilr: number): number => {
  const il4 = ilr >> 2;
  const dl = (QQ6[ilr]! * state.det) >> 15; // INVQBL
  const dlt = (QQ4[il4]! * state.det) >> 15; // INVQAL
  const rl = limit15(state.s + dl); // RECONS, LIMIT
  adaptSubBand(state, dlt, WL_BY_CODE[il4]!);
  return rl;
};

/** One higher sub-band sample from a 2-bit code: RH, limited to 15 bits. */
export const decodeHigherSubBand = (state: SubBandState, ih: number): number => {
  const magnitude = ih & 1 ? QQ2_INNER : QQ2_OUTER;
  const dh = ((ih & 2 ? magnitude : -magnitude) * state.det) >> 15; // INVQAH
  const rh = limit15(state.s + dh);
  adaptSubBand(state, dh, ih & 1 ? WH_INNER : WH_OUTER);
  return rh;
};

/** Everything after the output: the §6.2 adaptation blocks, in the spec's order, from the quantized difference `dq`. */
const adaptSubBand = (state: SubBandState, dq: number, w: number): void => {
  const nextDet = updateScaleFactor(state, w);
  // PARREC: only its sign is used. RECONS: kept as a 16-bit word (the 15-bit LIMIT is for the output only).
  const p = limit16(dq + state.sz);
  const r = limit16(state.s + dq);
  updatePoles(state, p);
  updateZeros(state, dq);
  // DELAYA
  state.det = nextDet;
  state.p2 = state.p1;
  state.p1 = p;
  state.r2 = state.r1;
  state.r1 = r;
  predict(state);
};

/** LOGSCL/LOGSCH (leaky log scale factor, leak 127/128) and SCALEL/SCALEH (its antilog): the next DET. */
const updateScaleFactor = (state: SubBandState, w: number): number => {
  const limits = LIMITS[state.band];
  state.nb = clamp(((state.nb * 32512) >> 15) + w, 0, limits.nbMax);
  const antilog = ILB[(state.nb >> 6) & 31]!;
  // At the top of NB's range the shift count goes negative (lower band: 8 - 9), which means a left shift.
  const shift = limits.scaleShift - (state.nb >> 11);
  return (shift >= 0 ? antilog >> shift : antilog << -shift) << 2;
};

/** UPPOL2 then UPPOL1 (which limits A1 by the new A2): sign-sign updates with leaks 127/128 and 255/256. */
const updatePoles = (state: SubBandState, p: number): void => {
  const sameAs1 = (p < 0) === (state.p1 < 0);
  const sameAs2 = (p < 0) === (state.p2 < 0);
  const wd1 = limit16(state.a1 * 4);
  // 16-bit words: negating -32768 saturates to 32767.
  const wd2 = limit16(sameAs1 ? -wd1 : wd1) >> 7;
  const a2 = clamp(wd2 + (sameAs2 ? 128 : -128) + ((state.a2 * 32512) >> 15), -12288, 12288);
  const a1Limit = 15360 - a2;
  state.a1 = clamp((sameAs1 ? 192 : -192) + ((state.a1 * 32640) >> 15), -a1Limit, a1Limit);
  state.a2 = a2;
};

/** UPZERO (sign-sign, leak 255/256, no step when dq is 0; zero counts as positive) and the D delay line. */
const updateZeros = (state: SubBandState, dq: number): void => {
  const step = dq === 0 ? 0 : 128;
  const negative = dq < 0;
  for (let i = 0; i < 6; i++) {
    state.b[i] = (negative === (state.d[i]! < 0) ? step : -step) + ((state.b[i]! * 32640) >> 15);
  }
  state.d.copyWithin(1, 0);
  state.d[0] = dq;
};

/** FILTEZ, FILTEP, PREDIC: S for the next sample. Doubling R saturates to 16 bits, as the spec's RLT + RLT. */
const predict = (state: SubBandState): void => {
  let sz = 0;
  for (let i = 0; i < 6; i++) {
    sz += (state.b[i]! * (state.d[i]! * 2)) >> 15;
  }
  const sp = ((state.a1 * limit16(state.r1 * 2)) >> 15) + ((state.a2 * limit16(state.r2 * 2)) >> 15);
  state.sz = sz;
  state.s = limit16(sp + sz);
};

const clamp = (value: number, min: number, max: number): number => (value < min ? min : value > max ? max : value);
const limit16 = (value: number): number => clamp(value, -32768, 32767);
const limit15 = (value: number): number => clamp(value, -16384, 16383);
