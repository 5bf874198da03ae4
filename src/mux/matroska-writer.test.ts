import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilePathTarget, NullTarget } from 'mediabunny';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeWarnings, probe } from '../../test/support/decode-check.js';
import { serializeOpusHead } from '../codec/opus.js';
import { openTrack } from '../convert/open-track.js';
import { readMjrRecordBatches } from '../mjr/index.js';
import type { VideoCodec } from '../rtp/video-probe.js';
import { isRepriseError } from '../shared/errors.js';
import { openFileSink } from '../store/atomic-file.js';
import { readFileChunks } from '../store/file-source.js';
import { EbmlId } from './ebml.js';
import { MatroskaWriter, type MatroskaAudioFrame, type MatroskaAudioTrack, type MatroskaSink, type MatroskaVideoFrame, type MatroskaWriterOptions } from './matroska-writer.js';
import { MediaWriter } from './media-writer.js';

// ---------------------------------------------------------------------------------------------------------------
// A tiny EBML reader: enough to walk our own output.

type Element = { id: number; offset: number; dataOffset: number; size: number; end: number; children: Element[] };

const MASTER_IDS: ReadonlySet<number> = new Set([
  EbmlId.EBML, EbmlId.Segment, EbmlId.SeekHead, EbmlId.Seek, EbmlId.Info, EbmlId.Tracks, EbmlId.TrackEntry, EbmlId.Video,
  EbmlId.Audio, EbmlId.Projection, EbmlId.Tags, EbmlId.Tag, EbmlId.Targets, EbmlId.SimpleTag, EbmlId.Cluster, EbmlId.Cues,
  EbmlId.CuePoint, EbmlId.CueTrackPositions,
]);

const readVint = (bytes: Uint8Array, offset: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } => {
  const first = bytes[offset]!;
  let length = 1;
  while (length <= 8 && (first & (0x100 >> length)) === 0) {
    length++;
  }
  if (length > 8) {
    throw new Error(`bad vint at ${offset}`);
  }
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === (0xff >> length);
  for (let index = 1; index < length; index++) {
    value = value * 256 + bytes[offset + index]!;
    allOnes &&= bytes[offset + index] === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
};

const readElements = (bytes: Uint8Array, start: number, end: number): Element[] => {
  const elements: Element[] = [];
  let offset = start;
  while (offset < end) {
    const id = readVint(bytes, offset, true);
    const size = readVint(bytes, offset + id.length, false);
    const dataOffset = offset + id.length + size.length;
    const elementEnd = size.unknown ? end : dataOffset + size.value;
    if (elementEnd > end) {
      throw new Error(`element 0x${id.value.toString(16)} at ${offset} overruns its parent`);
    }
    const children = MASTER_IDS.has(id.value) ? readElements(bytes, dataOffset, elementEnd) : [];
    elements.push({ id: id.value, offset, dataOffset, size: size.unknown ? -1 : size.value, end: elementEnd, children });
    offset = elementEnd;
  }
  return elements;
};

const child = (element: Element, id: number): Element | undefined => element.children.find((candidate) => candidate.id === id);
const childrenOf = (element: Element, id: number): Element[] => element.children.filter((candidate) => candidate.id === id);
const uintOf = (bytes: Uint8Array, element: Element): number => {
  let value = 0;
  for (let offset = element.dataOffset; offset < element.end; offset++) {
    value = value * 256 + bytes[offset]!;
  }
  return value;
};
const floatOf = (bytes: Uint8Array, element: Element): number => new DataView(bytes.buffer, bytes.byteOffset + element.dataOffset, 8).getFloat64(0);
const textOf = (bytes: Uint8Array, element: Element): string => Buffer.from(bytes.subarray(element.dataOffset, element.end)).toString('utf8');

type Block = { track: number; timestampMs: number; keyframe: boolean; size: number };
type ClusterView = { element: Element; timestampMs: number; blocks: Block[] };
type Parsed = { bytes: Uint8Array; top: Element[]; segment: Element; clusters: ClusterView[]; cues: Array<{ timeMs: number; track: number; position: number }> };

const parseMatroska = (bytes: Uint8Array): Parsed => {
  const top = readElements(bytes, 0, bytes.length);
  const segment = top.find((element) => element.id === EbmlId.Segment)!;
  const clusters = childrenOf(segment, EbmlId.Cluster).map((element) => {
    const timestampMs = uintOf(bytes, child(element, EbmlId.Timestamp)!);
    const blocks = childrenOf(element, EbmlId.SimpleBlock).map((block) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset + block.dataOffset, 4);
      return { track: view.getUint8(0) & 0x7f, timestampMs: timestampMs + view.getInt16(1), keyframe: (view.getUint8(3) & 0x80) !== 0, size: block.size - 4 };
    });
    return { element, timestampMs, blocks };
  });
  const cuesElement = child(segment, EbmlId.Cues);
  const cues = (cuesElement === undefined ? [] : childrenOf(cuesElement, EbmlId.CuePoint)).map((point) => {
    const positions = child(point, EbmlId.CueTrackPositions)!;
    return { timeMs: uintOf(bytes, child(point, EbmlId.CueTime)!), track: uintOf(bytes, child(positions, EbmlId.CueTrack)!), position: uintOf(bytes, child(positions, EbmlId.CueClusterPosition)!) };
  });
  return { bytes, top, segment, clusters, cues };
};

/** The structure every file we write must have, whatever its content. */
const checkStructure = (parsed: Parsed, expected: { docType: string; videoTrack: number | null; audioTrack: number | null }): void => {
  const { bytes, top, segment, clusters, cues } = parsed;
  expect(top.map((element) => element.id)).toEqual([EbmlId.EBML, EbmlId.Segment]);
  expect(textOf(bytes, child(top[0]!, EbmlId.DocType)!)).toBe(expected.docType);
  expect(uintOf(bytes, child(top[0]!, EbmlId.DocTypeVersion)!)).toBe(4);
  expect(uintOf(bytes, child(top[0]!, EbmlId.DocTypeReadVersion)!)).toBe(2);
  // The Segment size was patched to the real size: it ends at the end of the file.
  expect(segment.size).toBe(bytes.length - segment.dataOffset);
  // SeekHead entries point at the elements they name.
  const seekHead = child(segment, EbmlId.SeekHead)!;
  const targets = childrenOf(seekHead, EbmlId.Seek).map((seek) => ({
    id: uintOf(bytes, child(seek, EbmlId.SeekID)!),
    position: uintOf(bytes, child(seek, EbmlId.SeekPosition)!),
  }));
  const expectedTargets = [EbmlId.Info, EbmlId.Tracks, EbmlId.Tags, EbmlId.Cues].filter((id) => child(segment, id) !== undefined);
  expect(targets.map((target) => target.id)).toEqual(expectedTargets);
  for (const target of targets) {
    expect(segment.children.find((element) => element.offset === segment.dataOffset + target.position)?.id).toBe(target.id);
  }
  expect(child(segment, EbmlId.Cues)).toBeDefined();
  // Block timestamps: strictly increasing per track, and every block fits its Cluster's 16-bit range.
  const lastMs = new Map<number, number>();
  for (const cluster of clusters) {
    expect(cluster.blocks.length).toBeGreaterThan(0);
    for (const block of cluster.blocks) {
      expect(block.timestampMs).toBeGreaterThan(lastMs.get(block.track) ?? -1);
      lastMs.set(block.track, block.timestampMs);
      if (block.track === expected.audioTrack) {
        expect(block.keyframe).toBe(true);
      }
    }
  }
  // Clusters are in time order, and so are the blocks inside each (video first on a tie).
  for (const [index, cluster] of clusters.entries()) {
    expect(cluster.timestampMs).toBeGreaterThanOrEqual(clusters[index - 1]?.blocks.at(-1)?.timestampMs ?? 0);
    expect(cluster.blocks[0]!.timestampMs).toBe(cluster.timestampMs);
    for (let at = 1; at < cluster.blocks.length; at++) {
      expect(cluster.blocks[at]!.timestampMs).toBeGreaterThanOrEqual(cluster.blocks[at - 1]!.timestampMs);
    }
  }
  // Cues: each points at a Cluster that starts at its time with a keyframe of its track.
  for (const cue of cues) {
    const cluster = clusters.find((candidate) => candidate.element.offset === segment.dataOffset + cue.position);
    expect(cluster, `cue at ${cue.timeMs} ms`).toBeDefined();
    expect(cluster!.timestampMs).toBe(cue.timeMs);
    expect(cluster!.blocks[0]).toMatchObject({ track: cue.track, keyframe: true });
  }
  if (expected.videoTrack !== null) {
    // Every video keyframe starts a Cluster and has a CuePoint; other Clusters were cut at 5 s.
    const keyframes = clusters.flatMap((cluster) => cluster.blocks.filter((block) => block.track === expected.videoTrack && block.keyframe).map((block) => ({ cluster, block })));
    for (const { cluster, block } of keyframes) {
      expect(cluster.blocks[0]).toBe(block);
    }
    expect(cues.map((cue) => cue.timeMs)).toEqual(keyframes.map(({ block }) => block.timestampMs));
    for (const [index, cluster] of clusters.entries()) {
      const first = cluster.blocks[0]!;
      if (index > 0 && !(first.track === expected.videoTrack && first.keyframe)) {
        expect(cluster.timestampMs - clusters[index - 1]!.timestampMs).toBeGreaterThanOrEqual(5000);
      }
    }
  } else {
    expect(cues.length).toBe(clusters.length);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Real recordings, opened and interleaved as convert-media does.

type WriterCall = { kind: 'video'; frame: MatroskaVideoFrame } | { kind: 'audio'; frame: MatroskaAudioFrame };
type Recording = { calls: WriterCall[]; video?: { codec: VideoCodec; rotationDeg: 0 | 90 | 180 | 270 }; audio?: MatroskaAudioTrack; comment: string; startDate: Date; endSec: number };

const REAL = 'test/fixtures/real';
const LOOKAHEAD_US = (312 * 1e6) / 48_000;

const fixture = (folder: string, suffix: string): string => {
  const name = readdirSync(folder).find((candidate) => candidate.startsWith('videoroom-') && candidate.includes('user-1001') && candidate.endsWith(suffix));
  return join(folder, name!);
};

const loadRecording = async (paths: readonly string[]): Promise<Recording> => {
  type Timed = { atUs: number; lane: number; call: WriterCall };
  const timed: Timed[] = [];
  const recording: Partial<Recording> = {};
  for (const [lane, path] of paths.entries()) {
    const track = await openTrack(readMjrRecordBatches(readFileChunks(path)));
    recording.comment ??= track.header.json;
    if (track.kind === 'video') {
      let size = { width: 640, height: 480 };
      let rotationDeg: 0 | 90 | 180 | 270 = 0;
      for await (const frame of track.frames) {
        if (frame.keyframe && frame.width !== undefined && frame.height !== undefined) {
          size = { width: frame.width, height: frame.height };
        }
        rotationDeg = frame.rotationDeg;
        const atUs = track.header.firstPacketUs + frame.timeMs * 1000;
        timed.push({ atUs, lane, call: { kind: 'video', frame: { data: frame.data, timestampSec: 0, keyframe: frame.keyframe, decoderConfig: frame.decoderConfig, ...size } } });
      }
      recording.video = { codec: track.codec, rotationDeg };
    } else if (track.kind === 'audio') {
      let stereo = /(^|;)\s*stereo=1/.test(track.header.fmtp ?? '');
      for await (const frame of track.frames) {
        stereo ||= timed.length === 0 && (frame.data[0]! & 0x04) !== 0;
        const atUs = track.header.firstPacketUs + frame.timeMs * 1000 - LOOKAHEAD_US;
        timed.push({ atUs, lane, call: { kind: 'audio', frame: { data: frame.data, timestampSec: 0, durationSec: frame.durationMs / 1000 } } });
      }
      const channelCount = stereo ? 2 : 1;
      recording.audio = { codec: 'opus', channelCount, sampleRate: 48_000, opusHead: serializeOpusHead({ channelCount, preSkip: 0, inputSampleRate: 48_000, outputGain: 0, mappingFamily: 0 }) };
    }
  }
  timed.sort((a, b) => a.atUs - b.atUs || a.lane - b.lane);
  const baseUs = timed[0]!.atUs;
  let endSec = 0;
  for (const entry of timed) {
    entry.call.frame.timestampSec = (entry.atUs - baseUs) / 1e6;
    endSec = Math.max(endSec, entry.call.frame.timestampSec + (entry.call.kind === 'audio' ? entry.call.frame.durationSec : 1 / 30));
  }
  return { ...recording, calls: timed.map((entry) => entry.call), startDate: new Date(baseUs / 1000), endSec } as Recording;
};

type FrameSink = Pick<MatroskaWriter, 'writeAudio' | 'writeVideo' | 'finish'>;

const feed = async (writer: FrameSink, calls: readonly WriterCall[]): Promise<void> => {
  for (const call of calls) {
    if (call.kind === 'video') {
      await writer.writeVideo(call.frame);
    } else {
      await writer.writeAudio(call.frame);
    }
  }
  await writer.finish();
};

const writeOurs = async (recording: Recording, format: 'webm' | 'mkv' | 'mka', path: string): Promise<MatroskaWriter> => {
  const sink = await openFileSink(path);
  try {
    const writer = await MatroskaWriter.open({ format, sink, ...tracksOf(recording), comment: recording.comment, startDate: recording.startDate, title: 'alice' });
    await feed(writer, recording.calls);
    return writer;
  } finally {
    await sink.close();
  }
};

const writeMediabunny = async (recording: Recording, format: 'webm' | 'mkv' | 'mka', path: string): Promise<void> => {
  const writer = await MediaWriter.open({ format, target: new FilePathTarget(path), ...tracksOf(recording), comment: recording.comment, startDate: recording.startDate, title: 'alice' });
  await feed(writer as unknown as FrameSink, recording.calls);
};

const tracksOf = (recording: Recording): Pick<MatroskaWriterOptions, 'video' | 'audio'> => ({
  ...(recording.video === undefined ? {} : { video: recording.video }),
  ...(recording.audio === undefined ? {} : { audio: recording.audio }),
});

const ffmpegRun = (args: readonly string[]): { status: number | null; stdout: string; stderr: string; elapsedMs: number } => {
  const startMs = performance.now();
  const result = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim(), elapsedMs: performance.now() - startMs };
};

/** framemd5 rows of the first stream of a kind: stream, dts, pts, duration, size, md5. */
const frameRows = (file: string, kind: 'v' | 'a', inputArgs: readonly string[] = []): string[] => {
  const result = ffmpegRun(['-v', 'error', ...inputArgs, '-i', file, '-map', `0:${kind}:0`, '-f', 'framemd5', '-']);
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
};

const md5Of = (row: string): string => row.split(',').at(-1)!.trim();
const ptsOf = (row: string): number => Number(row.split(',')[2]);

const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
const folder = mkdtempSync(join(tmpdir(), 'reprise-matroska-'));
afterAll(() => process.env['KEEP_MKV'] === undefined && rmSync(folder, { recursive: true, force: true }));

describe.skipIf(!hasFfmpeg)('round trips through ffmpeg, against the mediabunny MediaWriter', () => {
  const cases = [
    { name: 'VP8 + Opus meeting (webm)', paths: () => [fixture(REAL, 'video-1.mjr'), fixture(REAL, 'audio-0.mjr')], format: 'webm' as const, seekSec: 12 },
    { name: 'VP9 (webm)', paths: () => [fixture(`${REAL}/vp9`, 'video-1.mjr')], format: 'webm' as const, seekSec: 4 },
    { name: 'AV1 + Opus (webm)', paths: () => [fixture(`${REAL}/av1`, 'video-1.mjr'), fixture(`${REAL}/av1`, 'audio-0.mjr')], format: 'webm' as const, seekSec: 4 },
    { name: 'H.264 with avcC + Opus (mkv)', paths: () => [fixture(`${REAL}/h264`, 'video-1.mjr'), fixture(`${REAL}/h264`, 'audio-0.mjr')], format: 'mkv' as const, seekSec: 5 },
    { name: 'Opus alone (mka)', paths: () => [fixture(REAL, 'audio-0.mjr')], format: 'mka' as const, seekSec: 12 },
    { name: 'Opus alone (webm)', paths: () => [fixture(`${REAL}/vp9`, 'audio-0.mjr')], format: 'webm' as const, seekSec: 4 },
  ];

  test.each(cases)('$name', async ({ name, paths, format, seekSec }) => {
    const recording = await loadRecording(paths());
    const ours = join(folder, `${name.replace(/\W+/g, '-')}.ours.${format}`);
    const theirs = join(folder, `${name.replace(/\W+/g, '-')}.mediabunny.${format}`);
    const writer = await writeOurs(recording, format, ours);
    await writeMediabunny(recording, format, theirs);
    expect(writer.retimedFrames).toBe(0);
    const hasVideo = recording.video !== undefined;

    // Decodes cleanly, whole. ffmpeg's null output rounds AV1's jittery frame times to its guessed 30 fps and
    // complains of equal dts: the same for mediabunny's file, and gone when the null output keeps the times.
    expect(decodeWarnings(ours).replace(/0x[0-9a-f]+/g, '')).toBe(decodeWarnings(theirs).replace(/0x[0-9a-f]+/g, ''));
    const keepingTimes = ffmpegRun(['-v', 'warning', '-i', ours, '-map', '0', '-enc_time_base', '-1', '-f', 'null', '-']);
    expect(keepingTimes.stderr).toBe('');
    if (recording.video?.codec !== 'av1') {
      expect(decodeWarnings(ours)).toBe('');
    }

    // Our own structure checks.
    const parsed = parseMatroska(new Uint8Array(readFileSync(ours)));
    checkStructure(parsed, { docType: format === 'webm' ? 'webm' : 'matroska', videoTrack: hasVideo ? 1 : null, audioTrack: recording.audio === undefined ? null : hasVideo ? 2 : 1 });
    const blockCount = parsed.clusters.reduce((sum, cluster) => sum + cluster.blocks.length, 0);
    expect(blockCount).toBe(recording.calls.length);

    // Duration: the end of the last frame, within one frame; the same as mediabunny's.
    const info = probe(ours);
    const durationSec = Number(info.format.duration);
    expect(Math.abs(durationSec - recording.endSec)).toBeLessThanOrEqual(1 / 30);
    expect(Math.abs(durationSec - Number(probe(theirs).format.duration))).toBeLessThanOrEqual(0.002);

    // Metadata: DateUTC (creation_time), COMMENT, DATE_RECORDED, TITLE.
    const tags = info.format.tags ?? {};
    expect(tags['creation_time']).toBe(recording.startDate.toISOString().replace(/Z$/, '000Z'));
    expect(tags['DATE_RECORDED']).toBe(recording.startDate.toISOString());
    expect(tags['COMMENT']).toBe(recording.comment);
    expect(tags['TITLE']).toBe('alice');

    // Same decoded frames, at the same times, as the mediabunny writer's file.
    for (const kind of hasVideo ? (['v', 'a'] as const) : (['a'] as const)) {
      if (kind === 'a' && recording.audio === undefined) {
        continue;
      }
      const ourRows = frameRows(ours, kind);
      const theirRows = frameRows(theirs, kind);
      expect(ourRows.length).toBeGreaterThan(0);
      expect(ourRows.map((row) => [ptsOf(row), md5Of(row)])).toEqual(theirRows.map((row) => [ptsOf(row), md5Of(row)]));
    }

    // Seeking through the Cues: clean, and the frame found is the one a full decode has at that time.
    const kind = hasVideo ? 'v' : 'a';
    const seek = ffmpegRun(['-v', 'warning', '-ss', String(seekSec), '-i', ours, '-map', `0:${kind}:0`, '-frames:' + kind, '1', '-f', 'null', '-']);
    expect(seek.stderr).toBe('');
    expect(seek.status).toBe(0);
    if (hasVideo) {
      const sought = frameRows(ours, 'v', ['-ss', String(seekSec)])[0]!;
      const full = frameRows(ours, 'v').find((row) => ptsOf(row) >= seekSec * 1000)!;
      expect(md5Of(sought)).toBe(md5Of(full));
    }
  });
});
