/**
 * The ABR ladder for a composed meeting: which renditions to encode, at what bitrates, with which H.264
 * profile and level. Pure: the composed output size and frame rate come in, renditions go out.
 *
 * Rules:
 * - Rungs are named by their short side (`720p` is 1280x720 landscape or 720x1280 portrait) and keep the
 *   output's aspect ratio, with the long side rounded to an even number of pixels.
 * - Never upscale: the top rung is the output size itself (odd sides rounded down to even); standard rungs
 *   (1080, 720, 480, 240) are added below it. A standard rung above 80% of the top's short side is
 *   skipped (1920x1200 gets no 1080p), since the two would cost nearly the same bits.
 * - At most four rungs: while there are more, the middle rung closest in size to the rung above it goes.
 * - Every rung keeps the output frame rate (no rung is worth a second frame-rate conversion).
 */
import { assert } from '../shared/errors.js';

export type H264Profile = 'baseline' | 'main' | 'high';

/** One rung. Bitrates are in bits per second, `bufferSize` (the VBV buffer) in bits. */
export type Rendition = {
  name: string;
  width: number;
  height: number;
  frameRate: number;
  videoBitrate: number;
  maxBitrate: number;
  bufferSize: number;
  /** AAC-LC, stereo. */
  audioBitrate: number;
  h264Profile: H264Profile;
  /** `'3.1'`, `'4.0'` … (ffmpeg's `-level` accepts this form). */
  h264Level: string;
};

export type LadderInput = { width: number; height: number; frameRate: number };

const STANDARD_SHORT_SIDES = [1080, 720, 480, 240] as const;
const SKIP_ABOVE_FRACTION_OF_TOP = 0.8;
const MAX_RUNGS = 4;

/**
 * Talking-head content (mostly static faces and slides) at up to 30 fps, H.264 High: average video bitrate
 * at the pixel counts of the 16:9 standard rungs. Other sizes interpolate linearly in pixels between these.
 */
const BITRATE_ANCHORS: ReadonlyArray<{ pixels: number; bitsPerSecond: number }> = [
  { pixels: 426 * 240, bitsPerSecond: 350_000 },
  { pixels: 854 * 480, bitsPerSecond: 1_000_000 },
  { pixels: 1280 * 720, bitsPerSecond: 2_000_000 },
  { pixels: 1920 * 1080, bitsPerSecond: 3_500_000 },
];
const MIN_VIDEO_BITRATE = 100_000;
const BITRATE_STEP = 10_000;
const MAX_BITRATE_FACTOR = 1.5; // peaks at keyframes and slide changes; Apple allows peak ≤ 2× average
const BUFFER_SIZE_FACTOR = 2; // VBV buffer = 2 × average = 1.33 s at the max rate
const AUDIO_BITRATE_HIGH = 128_000;
const AUDIO_BITRATE_LOW = 96_000;
const AUDIO_LOW_BELOW_SHORT_SIDE = 480;

/**
 * ITU-T H.264 Table A-1: MaxMBPS (macroblocks/s), MaxFS (macroblocks), MaxBR (kbit/s) and MaxCPB (kbit),
 * the last two for Baseline/Main; High multiplies them by 1.25 (Table A-2, cpbBrVclFactor 1250).
 * Level 1b is left out: x264 never needs it and players treat it oddly.
 */
const H264_LEVELS: ReadonlyArray<{ level: string; maxMbps: number; maxFs: number; maxBrKbps: number; maxCpbKbit: number }> = [
  { level: '1.0', maxMbps: 1_485, maxFs: 99, maxBrKbps: 64, maxCpbKbit: 175 },
  { level: '1.1', maxMbps: 3_000, maxFs: 396, maxBrKbps: 192, maxCpbKbit: 500 },
  { level: '1.2', maxMbps: 6_000, maxFs: 396, maxBrKbps: 384, maxCpbKbit: 1_000 },
  { level: '1.3', maxMbps: 11_880, maxFs: 396, maxBrKbps: 768, maxCpbKbit: 2_000 },
  { level: '2.0', maxMbps: 11_880, maxFs: 396, maxBrKbps: 2_000, maxCpbKbit: 2_000 },
  { level: '2.1', maxMbps: 19_800, maxFs: 792, maxBrKbps: 4_000, maxCpbKbit: 4_000 },
  { level: '2.2', maxMbps: 20_250, maxFs: 1_620, maxBrKbps: 4_000, maxCpbKbit: 4_000 },
  { level: '3.0', maxMbps: 40_500, maxFs: 1_620, maxBrKbps: 10_000, maxCpbKbit: 10_000 },
  { level: '3.1', maxMbps: 108_000, maxFs: 3_600, maxBrKbps: 14_000, maxCpbKbit: 14_000 },
  { level: '3.2', maxMbps: 216_000, maxFs: 5_120, maxBrKbps: 20_000, maxCpbKbit: 20_000 },
  { level: '4.0', maxMbps: 245_760, maxFs: 8_192, maxBrKbps: 20_000, maxCpbKbit: 25_000 },
  { level: '4.1', maxMbps: 245_760, maxFs: 8_192, maxBrKbps: 50_000, maxCpbKbit: 62_500 },
  { level: '4.2', maxMbps: 522_240, maxFs: 8_704, maxBrKbps: 50_000, maxCpbKbit: 62_500 },
  { level: '5.0', maxMbps: 589_824, maxFs: 22_080, maxBrKbps: 135_000, maxCpbKbit: 135_000 },
  { level: '5.1', maxMbps: 983_040, maxFs: 36_864, maxBrKbps: 240_000, maxCpbKbit: 240_000 },
  { level: '5.2', maxMbps: 2_073_600, maxFs: 36_864, maxBrKbps: 240_000, maxCpbKbit: 240_000 },
  { level: '6.0', maxMbps: 4_177_920, maxFs: 139_264, maxBrKbps: 240_000, maxCpbKbit: 240_000 },
  { level: '6.1', maxMbps: 8_355_840, maxFs: 139_264, maxBrKbps: 480_000, maxCpbKbit: 480_000 },
  { level: '6.2', maxMbps: 16_711_680, maxFs: 139_264, maxBrKbps: 800_000, maxCpbKbit: 800_000 },
];

const PROFILE_BITRATE_FACTOR: Record<H264Profile, number> = { baseline: 1000, main: 1000, high: 1250 };

const toEven = (value: number): number => Math.max(2, Math.round(value / 2) * 2);

/** The smallest H.264 level whose frame size, macroblock rate, bitrate and buffer limits all hold. */
export const pickH264Level = (options: { width: number; height: number; frameRate: number; maxBitrate: number; bufferSize: number; profile: H264Profile }): string => {
  const widthMbs = Math.ceil(options.width / 16);
  const heightMbs = Math.ceil(options.height / 16);
  const frameMbs = widthMbs * heightMbs;
  const factor = PROFILE_BITRATE_FACTOR[options.profile];
  const fits = H264_LEVELS.find(
    (level) =>
      frameMbs <= level.maxFs &&
      // Annex A.3.1: neither side may exceed sqrt(8 * MaxFS) macroblocks.
      widthMbs <= Math.sqrt(8 * level.maxFs) &&
      heightMbs <= Math.sqrt(8 * level.maxFs) &&
      frameMbs * options.frameRate <= level.maxMbps &&
      options.maxBitrate <= level.maxBrKbps * factor &&
      options.bufferSize <= level.maxCpbKbit * factor,
  );
  assert(fits !== undefined, `no H.264 level fits ${options.width}x${options.height}@${options.frameRate}`);
  return fits.level;
};

/** Average video bitrate for `pixels` per frame at `frameRate`, in bits per second. */
export const estimateVideoBitrate = (pixels: number, frameRate: number): number => {
  const first = BITRATE_ANCHORS[0]!;
  const last = BITRATE_ANCHORS[BITRATE_ANCHORS.length - 1]!;
  let bitsPerSecond: number;
  if (pixels <= first.pixels) {
    bitsPerSecond = (first.bitsPerSecond * pixels) / first.pixels;
  } else if (pixels >= last.pixels) {
    bitsPerSecond = last.bitsPerSecond * (pixels / last.pixels) ** 0.75;
  } else {
    const upper = BITRATE_ANCHORS.findIndex((anchor) => anchor.pixels >= pixels);
    const high = BITRATE_ANCHORS[upper]!;
    const low = BITRATE_ANCHORS[upper - 1]!;
    bitsPerSecond = low.bitsPerSecond + ((high.bitsPerSecond - low.bitsPerSecond) * (pixels - low.pixels)) / (high.pixels - low.pixels);
  }
  // Above 30 fps, up to +50% at 60 fps: more frames, each a little cheaper.
  const rateFactor = 1 + Math.min(Math.max(frameRate - 30, 0), 30) / 60;
  return Math.max(MIN_VIDEO_BITRATE, Math.round((bitsPerSecond * rateFactor) / BITRATE_STEP) * BITRATE_STEP);
};

const buildRendition = (width: number, height: number, frameRate: number): Rendition => {
  const shortSide = Math.min(width, height);
  const videoBitrate = estimateVideoBitrate(width * height, frameRate);
  const maxBitrate = Math.round(videoBitrate * MAX_BITRATE_FACTOR);
  const bufferSize = videoBitrate * BUFFER_SIZE_FACTOR;
  const h264Profile: H264Profile = 'high';
  return {
    name: `${shortSide}p`,
    width,
    height,
    frameRate,
    videoBitrate,
    maxBitrate,
    bufferSize,
    audioBitrate: shortSide < AUDIO_LOW_BELOW_SHORT_SIDE ? AUDIO_BITRATE_LOW : AUDIO_BITRATE_HIGH,
    h264Profile,
    h264Level: pickH264Level({ width, height, frameRate, maxBitrate, bufferSize, profile: h264Profile }),
  };
};

/** Drops middle rungs (never the top or the bottom) that sit closest to the rung above them. */
const limitRungs = (shortSides: number[]): number[] => {
  const kept = [...shortSides];
  while (kept.length > MAX_RUNGS) {
    let dropAt = 1;
    for (let i = 2; i < kept.length - 1; i++) {
      if (kept[i]! / kept[i - 1]! > kept[dropAt]! / kept[dropAt - 1]!) {
        dropAt = i;
      }
    }
    kept.splice(dropAt, 1);
  }
  return kept;
};

/** The renditions to encode for a composed output, largest first. */
export const computeLadder = ({ width, height, frameRate }: LadderInput): Rendition[] => {
  assert(Number.isInteger(width) && Number.isInteger(height) && width >= 2 && height >= 2, `bad output size ${width}x${height}`);
  assert(Number.isFinite(frameRate) && frameRate > 0, `bad frame rate ${frameRate}`);
  const topWidth = width - (width % 2);
  const topHeight = height - (height % 2);
  const landscape = topWidth >= topHeight;
  const topShort = Math.min(topWidth, topHeight);
  const aspect = Math.max(topWidth, topHeight) / topShort; // long side / short side
  const lower = STANDARD_SHORT_SIDES.filter((side) => side <= topShort * SKIP_ABOVE_FRACTION_OF_TOP);
  const shortSides = limitRungs([topShort, ...lower]);
  return shortSides.map((shortSide, index) => {
    if (index === 0) {
      return buildRendition(topWidth, topHeight, frameRate);
    }
    const longSide = toEven(shortSide * aspect);
    return landscape ? buildRendition(longSide, shortSide, frameRate) : buildRendition(shortSide, longSide, frameRate);
  });
};
