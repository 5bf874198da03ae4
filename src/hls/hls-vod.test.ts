/**
 * End to end, the way the packager will use these blocks: ladder → ffmpeg encodes each rung to fMP4
 * segments → parse → describe → render media, I-frame and multivariant playlists → ffmpeg must play the
 * result to the end without a single error, and agree with its own playlists.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeErrors, decodeFrameHashes } from '../../test/support/ffmpeg-video.js';
import { canEncodeHls, encodeHls, readPlaylistEntries, type HlsOutput } from '../../test/support/hls-fixtures.js';
import { parseInitSegment } from './fmp4.js';
import { computeLadder, type Rendition } from './ladder.js';
import { computeBandwidth, renderIFramePlaylist, renderMediaPlaylist, renderMultivariantPlaylist, type IFrameVariant, type Variant } from './playlist.js';
import { describeSegments, listIFrames, pickTimingTrack } from './segment-index.js';

const SECONDS = 8;
const FRAME_RATE = 30;
const ORIGIN_US = 1_714_557_600_000_000;

type Packaged = { rendition: Rendition; hls: HlsOutput; mediaText: string; iFramesText: string; variant: Variant; iFrameVariant: IFrameVariant };

/** What the packager will do for one rung, given ffmpeg's segments in `dir`. */
const packageRung = (rendition: Rendition, hls: HlsOutput): Packaged => {
  const init = parseInitSegment(hls.init);
  const described = describeSegments(
    init,
    hls.segments.map((segment) => ({ uri: segment.name, bytes: segment.bytes })),
    { originUs: ORIGIN_US },
  );
  const mediaText = renderMediaPlaylist({
    mediaSequence: 0,
    playlistType: 'VOD',
    mapUri: 'out-init.mp4',
    independentSegments: true,
    segments: described.map((segment) => ({ uri: segment.uri, durationSec: segment.durationSec, programDateTime: segment.programDateTime })),
    ended: true,
  });
  const iFrames = listIFrames(described);
  const iFramesText = renderIFramePlaylist({ mapUri: 'out-init.mp4', segments: iFrames, ended: true, playlistType: 'VOD' });
  const bandwidth = computeBandwidth(described);
  const iFrameBandwidth = computeBandwidth(iFrames.map((entry) => ({ byteLength: entry.byteRange.length, durationSec: entry.durationSec })));
  const video = pickTimingTrack(init);
  return {
    rendition,
    hls,
    mediaText,
    iFramesText,
    variant: {
      uri: `${rendition.name}/index.m3u8`,
      bandwidth: bandwidth.peak,
      averageBandwidth: bandwidth.average,
      width: video.width!,
      height: video.height!,
      codecs: init.tracks.map((track) => track.codec).join(','),
      frameRate: rendition.frameRate,
    },
    iFrameVariant: {
      uri: `${rendition.name}/iframes.m3u8`,
      bandwidth: iFrameBandwidth.peak,
      averageBandwidth: iFrameBandwidth.average,
      width: video.width!,
      height: video.height!,
      codecs: video.codec,
    },
  };
};

describe.skipIf(!canEncodeHls)('a VOD ladder packaged from real ffmpeg segments', () => {
  let root: string;
  let packaged: Packaged[];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'reprise-vod-'));
    packaged = computeLadder({ width: 640, height: 360, frameRate: FRAME_RATE }).map((rendition) => {
      const dir = join(root, rendition.name);
      mkdirSync(dir);
      const hls = encodeHls({
        dir,
        width: 640,
        height: 360,
        frameRate: FRAME_RATE,
        seconds: SECONDS,
        gopFrames: 2 * FRAME_RATE,
        segmentSec: 2,
        outputArgs: [
          '-vf', `scale=${rendition.width}:${rendition.height}`,
          '-b:v', String(rendition.videoBitrate), '-maxrate', String(rendition.maxBitrate), '-bufsize', String(rendition.bufferSize),
          '-profile:v', rendition.h264Profile, '-level:v', rendition.h264Level,
          '-b:a', String(rendition.audioBitrate),
        ],
      });
      const result = packageRung(rendition, hls);
      writeFileSync(join(dir, 'index.m3u8'), result.mediaText);
      writeFileSync(join(dir, 'iframes.m3u8'), result.iFramesText);
      return result;
    });
    writeFileSync(
      join(root, 'master.m3u8'),
      renderMultivariantPlaylist({ independentSegments: true, variants: packaged.map((entry) => entry.variant), iFrameVariants: packaged.map((entry) => entry.iFrameVariant) }),
    );
  });
  afterAll(() => {
    if (root !== undefined) {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('the ladder for 640x360 is 360p + 240p, and the encoder took its profile and level', () => {
    expect(packaged.map((entry) => entry.rendition.name)).toEqual(['360p', '240p']);
    for (const { rendition, variant } of packaged) {
      const levelIdc = Math.round(Number(rendition.h264Level) * 10).toString(16).padStart(2, '0');
      expect(variant.codecs).toBe(`avc1.6400${levelIdc},mp4a.40.2`);
      expect([variant.width, variant.height]).toEqual([rendition.width, rendition.height]);
    }
  });

  test('ffmpeg plays the multivariant playlist to the end without an error', () => {
    expect(decodeErrors(join(root, 'master.m3u8'))).toBe('');
  });

  test('every media playlist plays alone, every frame of it', () => {
    for (const { rendition } of packaged) {
      const path = join(root, rendition.name, 'index.m3u8');
      expect(decodeErrors(path)).toBe('');
      expect(decodeFrameHashes(path).hashes).toHaveLength(SECONDS * FRAME_RATE);
    }
  });

  test('ffprobe sees both variants with their sizes and the full duration', () => {
    const result = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,width,height', '-of', 'json', join(root, 'master.m3u8')], { encoding: 'utf8' });
    const json = JSON.parse(result.stdout) as { format: { duration: string }; streams: Array<{ codec_type: string; width?: number; height?: number }> };
    expect(Number(json.format.duration)).toBeCloseTo(SECONDS, 1);
    const sizes = json.streams.filter((stream) => stream.codec_type === 'video').map((stream) => `${stream.width}x${stream.height}`);
    expect(sizes.sort()).toEqual(packaged.map((entry) => `${entry.rendition.width}x${entry.rendition.height}`).sort());
  });

  test('our EXTINFs are the ones ffmpeg wrote for the same segments', () => {
    for (const { hls, mediaText } of packaged) {
      expect(readPlaylistEntries(mediaText)).toEqual(readPlaylistEntries(hls.playlistText));
    }
  });

  test('bandwidths are plausible for the rung: average near the target, peak above it but within the VBV bound', () => {
    for (const { rendition, variant } of packaged) {
      const target = rendition.videoBitrate + rendition.audioBitrate;
      expect(variant.averageBandwidth).toBeGreaterThan(0.5 * target);
      expect(variant.averageBandwidth).toBeLessThan(1.5 * target);
      expect(variant.bandwidth).toBeGreaterThanOrEqual(variant.averageBandwidth);
      // Over a 2 s segment the VBV lets at most maxrate + bufsize / 2 s through (plus audio and container).
      expect(variant.bandwidth).toBeLessThan(1.2 * (rendition.maxBitrate + rendition.bufferSize / 2 + rendition.audioBitrate));
    }
  });

  test('the I-frame playlists list one key frame per segment, lasting until the next', () => {
    for (const { iFramesText, hls } of packaged) {
      const entries = readPlaylistEntries(iFramesText);
      expect(entries.map((entry) => entry.uri)).toEqual(hls.segments.map((segment) => segment.name));
      expect(entries.map((entry) => entry.durationSec)).toEqual([2, 2, 2, 2]);
      for (const [index, entry] of entries.entries()) {
        // Each range opens on the segment's moof (after ffmpeg's styp and sidx boxes).
        const bytes = hls.segments[index]!.bytes;
        expect(new TextDecoder().decode(bytes.subarray(entry.byteRange!.offset + 4, entry.byteRange!.offset + 8))).toBe('moof');
        expect(entry.byteRange!.offset + entry.byteRange!.length).toBeLessThan(bytes.length);
      }
    }
  });
});
