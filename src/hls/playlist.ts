/**
 * Pure HLS playlist renderers (RFC 8216 and draft-pantos-hls-rfc8216bis). Text in, text out: no I/O.
 *
 * Conventions, all fixed so the goldens stay byte-exact:
 * - Lines end in LF; the file ends with one LF. UTF-8, no BOM (§4.1).
 * - EXT-X-VERSION:7 everywhere. The features used need less (EXT-X-MAP without I-FRAMES-ONLY needs 6,
 *   BYTERANGE and I-FRAMES-ONLY 4, float EXTINF 3), but one version for the whole presentation keeps
 *   validators quiet and matches what ffmpeg writes for fMP4.
 * - EXTINF durations have 6 decimals (µs; ffmpeg's form), so summing thousands of them does not drift.
 *   TARGETDURATION is the ceiling of the longest EXTINF as printed (stricter than §4.3.3.1's rounding rule,
 *   which old players get wrong); a fixed `targetDurationSec` from the caller need only meet that rule.
 * - Attribute values (§4.2): decimal-integer for BANDWIDTH, quoted-string for CODECS/URI, decimal-resolution
 *   `WxH` for RESOLUTION, decimal-floating-point with 3 decimals for FRAME-RATE.
 * - EXT-X-PROGRAM-DATE-TIME (§4.3.2.6) is written before every segment that carries a `programDateTime`,
 *   in ISO 8601 with milliseconds and `Z`. segment-index.ts gives every segment one (from its tfdt), so the
 *   wall clock is exact per segment instead of accumulated from rounded EXTINFs; the cost is ~45 bytes a
 *   segment. If any segment has one, the first must too, or the mapping before it would be undefined.
 * - Variants are written in the order given: the first is the one most players start with.
 */
import { assert } from '../shared/errors.js';

export type ByteRange = { length: number; offset: number };

export type Variant = {
  uri: string;
  /** Peak segment bit rate, bits/s (see computeBandwidth). */
  bandwidth: number;
  averageBandwidth: number;
  width: number;
  height: number;
  /** RFC 6381 codec strings, comma-separated: `avc1.64001f,mp4a.40.2`. */
  codecs: string;
  frameRate: number;
};

export type IFrameVariant = {
  uri: string;
  bandwidth: number;
  averageBandwidth?: number;
  width: number;
  height: number;
  /** The video codec only: an I-frame stream carries no audio. */
  codecs: string;
};

export type MultivariantPlaylist = { variants: Variant[]; iFrameVariants?: IFrameVariant[]; independentSegments: boolean };

export type PlaylistType = 'EVENT' | 'VOD' | null;

export type MediaSegmentEntry = { uri: string; durationSec: number; programDateTime?: Date; byteRange?: ByteRange };

export type MediaPlaylist = {
  /** Required while segments may still be added (EVENT): TARGETDURATION must never change (§6.2.1). */
  targetDurationSec?: number;
  mediaSequence: number;
  playlistType: PlaylistType;
  mapUri: string;
  /** For single-file renditions whose init section is a byte range of the media file. */
  mapByteRange?: ByteRange;
  independentSegments: boolean;
  segments: MediaSegmentEntry[];
  ended: boolean;
};

export type IFrameSegmentEntry = { uri: string; durationSec: number; byteRange: ByteRange };

export type IFramePlaylist = {
  mapUri: string;
  mapByteRange?: ByteRange;
  segments: IFrameSegmentEntry[];
  ended: boolean;
  playlistType?: PlaylistType;
  targetDurationSec?: number;
};

export type Bandwidth = { peak: number; average: number };

const VERSION = 7;

const isControlCharacter = (code: number): boolean => code <= 0x1f || (code >= 0x7f && code <= 0x9f);

const checkLineText = (text: string, what: string): string => {
  // §4.1: no control characters but CR/LF, and those only end lines.
  for (let i = 0; i < text.length; i++) {
    assert(!isControlCharacter(text.charCodeAt(i)), `${what} contains a control character or line break: ${JSON.stringify(text)}`);
  }
  return text;
};

/** quoted-string (§4.2): double quotes around text with no CR, LF or double quote. */
const quoted = (text: string, what: string): string => {
  assert(!text.includes('"'), `${what} contains a double quote: ${JSON.stringify(text)}`);
  return `"${checkLineText(text, what)}"`;
};

const decimalInteger = (value: number, what: string): string => {
  assert(Number.isSafeInteger(value) && value >= 0, `${what} must be a non-negative integer, got ${value}`);
  return String(value);
};

const positiveDecimal = (value: number, digits: number, what: string): string => {
  assert(Number.isFinite(value) && value >= 0, `${what} must be a non-negative number, got ${value}`);
  return value.toFixed(digits);
};

const resolution = (width: number, height: number): string => `${decimalInteger(width, 'width')}x${decimalInteger(height, 'height')}`;

/** `<n>@<o>`: the offset is always written, so no range depends on the line before it (§4.3.2.2). */
const byteRangeValue = (range: ByteRange): string => `${decimalInteger(range.length, 'byte range length')}@${decimalInteger(range.offset, 'byte range offset')}`;

const attributeList = (attributes: ReadonlyArray<readonly [string, string | undefined]>): string =>
  attributes
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join(',');

const formatExtinf = (durationSec: number): string => positiveDecimal(durationSec, 6, 'segment duration');

/**
 * TARGETDURATION: when we choose it, the ceiling of the longest EXTINF exactly as printed. A caller's fixed
 * value (EVENT playlists) is held to §4.3.3.1's own rule: every EXTINF, rounded to the nearest integer, ≤ it.
 */
const computeTargetDuration = (durations: readonly number[], requested: number | undefined): number => {
  const printed = durations.map((duration) => Number(formatExtinf(duration)));
  const longest = Math.max(0, ...printed);
  if (requested === undefined) {
    assert(durations.length > 0, 'a playlist without segments needs targetDurationSec');
    return Math.max(1, Math.ceil(longest));
  }
  assert(Number.isSafeInteger(requested) && requested >= 1, `targetDurationSec must be a positive integer, got ${requested}`);
  assert(Math.round(longest) <= requested, `a segment of ${longest} s exceeds the target duration ${requested} s`);
  return requested;
};

const render = (lines: readonly string[]): string => `${lines.join('\n')}\n`;

/** `#EXT-X-PROGRAM-DATE-TIME` value: ISO 8601 with milliseconds, UTC (`Z`). */
export const formatProgramDateTime = (date: Date): string => {
  assert(Number.isFinite(date.getTime()), 'programDateTime is an invalid Date');
  return date.toISOString();
};

const mapLine = (uri: string, range: ByteRange | undefined): string =>
  `#EXT-X-MAP:${attributeList([
    ['URI', quoted(uri, 'map URI')],
    ['BYTERANGE', range === undefined ? undefined : quoted(byteRangeValue(range), 'map byte range')],
  ])}`;

export const renderMultivariantPlaylist = (playlist: MultivariantPlaylist): string => {
  assert(playlist.variants.length > 0, 'a multivariant playlist needs at least one variant');
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${VERSION}`];
  if (playlist.independentSegments) {
    lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  }
  for (const variant of playlist.variants) {
    lines.push(
      `#EXT-X-STREAM-INF:${attributeList([
        ['BANDWIDTH', decimalInteger(variant.bandwidth, 'BANDWIDTH')],
        ['AVERAGE-BANDWIDTH', decimalInteger(variant.averageBandwidth, 'AVERAGE-BANDWIDTH')],
        ['CODECS', quoted(variant.codecs, 'CODECS')],
        ['RESOLUTION', resolution(variant.width, variant.height)],
        ['FRAME-RATE', positiveDecimal(variant.frameRate, 3, 'FRAME-RATE')],
      ])}`,
      checkLineText(variant.uri, 'variant URI'),
    );
  }
  for (const variant of playlist.iFrameVariants ?? []) {
    lines.push(
      `#EXT-X-I-FRAME-STREAM-INF:${attributeList([
        ['BANDWIDTH', decimalInteger(variant.bandwidth, 'BANDWIDTH')],
        ['AVERAGE-BANDWIDTH', variant.averageBandwidth === undefined ? undefined : decimalInteger(variant.averageBandwidth, 'AVERAGE-BANDWIDTH')],
        ['CODECS', quoted(variant.codecs, 'CODECS')],
        ['RESOLUTION', resolution(variant.width, variant.height)],
        ['URI', quoted(variant.uri, 'I-frame URI')],
      ])}`,
    );
  }
  return render(lines);
};

export const renderMediaPlaylist = (playlist: MediaPlaylist): string => {
  const { segments } = playlist;
  const targetDuration = computeTargetDuration(
    segments.map((segment) => segment.durationSec),
    playlist.targetDurationSec,
  );
  if (segments.some((segment) => segment.programDateTime !== undefined)) {
    assert(segments[0]?.programDateTime !== undefined, 'the first segment needs a programDateTime when any segment has one');
  }
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${VERSION}`,
    `#EXT-X-TARGETDURATION:${targetDuration}`,
    `#EXT-X-MEDIA-SEQUENCE:${decimalInteger(playlist.mediaSequence, 'media sequence')}`,
  ];
  if (playlist.playlistType !== null) {
    lines.push(`#EXT-X-PLAYLIST-TYPE:${playlist.playlistType}`);
  }
  if (playlist.independentSegments) {
    lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  }
  lines.push(mapLine(playlist.mapUri, playlist.mapByteRange));
  for (const segment of segments) {
    if (segment.programDateTime !== undefined) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${formatProgramDateTime(segment.programDateTime)}`);
    }
    lines.push(`#EXTINF:${formatExtinf(segment.durationSec)},`);
    if (segment.byteRange !== undefined) {
      lines.push(`#EXT-X-BYTERANGE:${byteRangeValue(segment.byteRange)}`);
    }
    lines.push(checkLineText(segment.uri, 'segment URI'));
  }
  if (playlist.ended) {
    lines.push('#EXT-X-ENDLIST');
  }
  return render(lines);
};

/**
 * An I-frame playlist (§4.3.3.6): each entry is one I-frame as a byte range (for fMP4: the moof through the
 * end of the key sample), and its EXTINF is the time to the next I-frame.
 */
export const renderIFramePlaylist = (playlist: IFramePlaylist): string => {
  const { segments } = playlist;
  const targetDuration = computeTargetDuration(
    segments.map((segment) => segment.durationSec),
    playlist.targetDurationSec,
  );
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${VERSION}`, `#EXT-X-TARGETDURATION:${targetDuration}`, '#EXT-X-MEDIA-SEQUENCE:0'];
  const playlistType = playlist.playlistType ?? null;
  if (playlistType !== null) {
    lines.push(`#EXT-X-PLAYLIST-TYPE:${playlistType}`);
  }
  lines.push('#EXT-X-I-FRAMES-ONLY', mapLine(playlist.mapUri, playlist.mapByteRange));
  for (const segment of segments) {
    lines.push(`#EXTINF:${formatExtinf(segment.durationSec)},`, `#EXT-X-BYTERANGE:${byteRangeValue(segment.byteRange)}`, checkLineText(segment.uri, 'segment URI'));
  }
  if (playlist.ended) {
    lines.push('#EXT-X-ENDLIST');
  }
  return render(lines);
};

/**
 * BANDWIDTH and AVERAGE-BANDWIDTH of a media playlist, in bits per second (§4.3.4.2, with the definitions
 * of draft-pantos-hls-rfc8216bis §4.1):
 * - peak: the largest bit rate of any contiguous run of segments lasting between 0.5 and 1.5 target
 *   durations (so a short final segment, whose keyframe dominates it, does not set the peak alone). When no
 *   run qualifies (a single very short segment), the largest single-segment bit rate is used.
 * - average: all segment bits over the total duration.
 * Both are rounded up. `targetDurationSec` defaults to what renderMediaPlaylist would write.
 */
export const computeBandwidth = (segments: ReadonlyArray<{ byteLength: number; durationSec: number }>, options: { targetDurationSec?: number } = {}): Bandwidth => {
  if (segments.length === 0) {
    return { peak: 0, average: 0 };
  }
  for (const segment of segments) {
    assert(Number.isSafeInteger(segment.byteLength) && segment.byteLength >= 0, `bad segment byteLength ${segment.byteLength}`);
    assert(Number.isFinite(segment.durationSec) && segment.durationSec > 0, `bad segment duration ${segment.durationSec}`);
  }
  const target = options.targetDurationSec ?? computeTargetDuration(segments.map((segment) => segment.durationSec), undefined);
  const minimum = 0.5 * target;
  const maximum = 1.5 * target;
  let peak = 0;
  for (let first = 0; first < segments.length; first++) {
    let bytes = 0;
    let seconds = 0;
    for (let last = first; last < segments.length; last++) {
      bytes += segments[last]!.byteLength;
      seconds += segments[last]!.durationSec;
      if (seconds > maximum) {
        break;
      }
      if (seconds >= minimum) {
        peak = Math.max(peak, (bytes * 8) / seconds);
      }
    }
  }
  if (peak === 0) {
    peak = Math.max(...segments.map((segment) => (segment.byteLength * 8) / segment.durationSec));
  }
  const totalBits = segments.reduce((sum, segment) => sum + segment.byteLength * 8, 0);
  const totalSec = segments.reduce((sum, segment) => sum + segment.durationSec, 0);
  return { peak: Math.ceil(peak), average: Math.ceil(totalBits / totalSec) };
};
