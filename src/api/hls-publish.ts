/**
 * Publishes an HLS folder from the fMP4 segments ffmpeg writes: our own playlists (media, I-frame,
 * multivariant) rendered by pure code from the segments themselves, so durations, bandwidths, codecs and
 * EXT-X-PROGRAM-DATE-TIME (the meeting's wall clock) are exact. Called repeatedly while ffmpeg runs (EVENT
 * playlists a player can start on early) and once at the end (with ENDLIST). Playlists are replaced atomically.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseInitSegment, parseMediaSegment, type InitSegment, type MediaSegment } from '../hls/fmp4.js';
import type { Rendition } from '../hls/ladder.js';
import { computeBandwidth, renderIFramePlaylist, renderMediaPlaylist, renderMultivariantPlaylist, type Variant, type IFrameVariant } from '../hls/playlist.js';
import { describeSegments, listIFrames } from '../hls/segment-index.js';
import { planThumbnails, renderThumbnailVtt, type ThumbnailPlanInput } from '../hls/thumbnails.js';
import { writeAtomically } from '../store/atomic-file.js';

export const MASTER_PLAYLIST = 'master.m3u8';
export const MOSAIC_PLAYLIST = 'mosaic.m3u8';
export const MEDIA_PLAYLIST = 'playlist.m3u8';
export const IFRAME_PLAYLIST = 'iframes.m3u8';
export const THUMBNAILS_VTT = 'thumbnails.vtt';

export type HlsPublishOptions = {
  dir: string;
  renditions: readonly Rendition[];
  /** Wall clock µs of the composition's t = 0. */
  originUs: number;
  segmentSec: number;
  ended: boolean;
  /** The multivariant playlist's name (the mosaic has its own). */
  masterName?: string;
  /** Output seconds → wall-clock µs, when the output is not one continuous stretch of the session (--trim). */
  wallClockUs?: (outputSec: number) => number;
};

type ParsedCache = Map<string, MediaSegment>;

const writeAtomic = (path: string, text: string): Promise<void> => writeAtomically(path, (temporary) => writeFile(temporary, text));

/** The state kept between calls: parsed segments are never re-read. */
export class HlsPublisher {
  private readonly parsed = new Map<string, ParsedCache>();
  private readonly inits = new Map<string, InitSegment>();

  constructor(private readonly options: Omit<HlsPublishOptions, 'ended'>) {}

  /** Renders every playlist from what is on disk now; returns the number of segments of the top rendition. */
  async publish(ended: boolean): Promise<number> {
    const variants: Variant[] = [];
    const iFrameVariants: IFrameVariant[] = [];
    let topSegments = 0;
    for (const rendition of this.options.renditions) {
      const folder = join(this.options.dir, rendition.name);
      const init = await this.initOf(rendition.name, folder);
      if (init === null) {
        return 0;
      }
      const names = (await readdir(folder)).filter((name) => /^seg-\d+\.m4s$/.test(name)).sort();
      const cache = this.parsed.get(rendition.name) ?? new Map<string, MediaSegment>();
      this.parsed.set(rendition.name, cache);
      for (const name of names) {
        if (!cache.has(name)) {
          cache.set(name, parseMediaSegment(new Uint8Array(await readFile(join(folder, name))), init));
        }
      }
      const described = describeSegments(
        init,
        names.map((name) => ({ uri: name, parsed: cache.get(name)! })),
        { originUs: this.options.originUs },
      );
      if (described.length === 0) {
        return 0;
      }
      const wallClockUs = this.options.wallClockUs;
      if (wallClockUs !== undefined) {
        for (const segment of described) {
          segment.programDateTime = new Date(Math.round(wallClockUs(segment.startSec) / 1000));
        }
      }
      topSegments = topSegments === 0 ? described.length : Math.min(topSegments, described.length);
      const targetDurationSec = Math.max(Math.ceil(this.options.segmentSec), ...described.map((segment) => Math.ceil(segment.durationSec - 0.0005)));
      await writeAtomic(
        join(folder, MEDIA_PLAYLIST),
        renderMediaPlaylist({
          targetDurationSec,
          mediaSequence: 0,
          playlistType: 'EVENT',
          mapUri: 'init.mp4',
          independentSegments: true,
          segments: described.map((segment) => ({ uri: segment.uri, durationSec: segment.durationSec, programDateTime: segment.programDateTime })),
          ended,
        }),
      );
      const iFrames = listIFrames(described);
      await writeAtomic(join(folder, IFRAME_PLAYLIST), renderIFramePlaylist({ mapUri: 'init.mp4', segments: iFrames, ended, playlistType: 'EVENT', targetDurationSec }));
      const bandwidth = computeBandwidth(described, { targetDurationSec });
      const codecs = init.tracks.map((track) => track.codec).join(',');
      const video = init.tracks.find((track) => track.kind === 'video');
      variants.push({
        uri: `${rendition.name}/${MEDIA_PLAYLIST}`,
        bandwidth: bandwidth.peak,
        averageBandwidth: bandwidth.average,
        width: video?.width ?? rendition.width,
        height: video?.height ?? rendition.height,
        codecs,
        frameRate: rendition.frameRate,
      });
      const iFrameBytes = iFrames.reduce((sum, frame) => sum + frame.byteRange.length, 0);
      const iFrameSec = iFrames.reduce((sum, frame) => sum + frame.durationSec, 0);
      iFrameVariants.push({
        uri: `${rendition.name}/${IFRAME_PLAYLIST}`,
        bandwidth: Math.max(1, Math.round(Math.max(...iFrames.map((frame) => (frame.byteRange.length * 8) / Math.max(frame.durationSec, 0.001)), 0))),
        averageBandwidth: Math.max(1, Math.round((iFrameBytes * 8) / Math.max(iFrameSec, 0.001))),
        width: video?.width ?? rendition.width,
        height: video?.height ?? rendition.height,
        codecs: video?.codec ?? codecs,
      });
    }
    await writeAtomic(join(this.options.dir, this.options.masterName ?? MASTER_PLAYLIST), renderMultivariantPlaylist({ variants, iFrameVariants, independentSegments: true }));
    return topSegments;
  }

  private async initOf(name: string, folder: string): Promise<InitSegment | null> {
    const known = this.inits.get(name);
    if (known !== undefined) {
      return known;
    }
    try {
      const init = parseInitSegment(new Uint8Array(await readFile(join(folder, 'init.mp4'))));
      this.inits.set(name, init);
      return init;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return null;
      }
      throw error;
    }
  }
}

/** The scrub-thumbnail index for the sheets ffmpeg wrote (`thumbs/sheet-000.jpg`…). */
export const publishThumbnails = async (dir: string, plan: ThumbnailPlanInput): Promise<void> => {
  const vtt = renderThumbnailVtt(planThumbnails(plan), (index) => `sheet-${String(index).padStart(3, '0')}.jpg`);
  await writeAtomic(join(dir, THUMBNAILS_VTT), vtt);
};
