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

type FrameSink = Pick<MatroskaWriter, 'writeAudio' | 'writeVideo' | 'finish'> | Pick<MediaWriter, 'writeAudio' | 'writeVideo' | 'finish'>;

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

const writeMediabunny = async (recording: Recording, format: 'webm' | 'mkv' | 'mka', path: string): Promise<MediaWriter> => {
  const writer = await MediaWriter.open({ format, target: new FilePathTarget(path), ...tracksOf(recording), comment: recording.comment, startDate: recording.startDate, title: 'alice' });
  await feed(writer, recording.calls);
  return writer;
};

/** What convert-media uses of MediaWriter, which MatroskaWriter must offer as it is (checked by the compiler). */
type ConvertMediaWriter = Pick<MediaWriter, 'writeVideo' | 'writeAudio' | 'finish' | 'cancel' | 'retimedFrames'>;
const _swappable = (writer: MatroskaWriter): ConvertMediaWriter => writer;
const _sameOptions = (options: Omit<Parameters<typeof MediaWriter.open>[0], 'target'> & { format: 'webm' | 'mkv' | 'mka' }, sink: MatroskaSink): MatroskaWriterOptions => ({ ...options, sink });

const tracksOf = (recording: Recording): Pick<MatroskaWriterOptions, 'video' | 'audio'> => ({
  ...(recording.video === undefined ? {} : { video: recording.video }),
  ...(recording.audio === undefined ? {} : { audio: recording.audio }),
});

const ffmpegRun = (args: readonly string[]): { status: number | null; stdout: string; stderr: string; elapsedMs: number } => {
  const startMs = performance.now();
  const result = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim(), elapsedMs: performance.now() - startMs };
};

type FrameRow = { ptsSec: number; md5: string };

/** framemd5 of the first stream of a kind: each frame's presentation time (as decoded, not resampled to a rate) and digest. */
const frameRows = (file: string, kind: 'v' | 'a', inputArgs: readonly string[] = []): FrameRow[] => {
  const output = ['-map', `0:${kind}:0`, ...(kind === 'v' ? ['-fps_mode', 'passthrough', '-enc_time_base', '-1'] : []), '-f', 'framemd5', '-'];
  const result = ffmpegRun(['-v', 'error', ...inputArgs, '-i', file, ...output]);
  expect(result.stderr).toBe('');
  const [numerator, denominator] = /^#tb 0: (\d+)\/(\d+)$/m.exec(result.stdout)!.slice(1).map(Number) as [number, number];
  return result.stdout
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const fields = line.split(',').map((field) => field.trim());
      return { ptsSec: (Number(fields[2]) * numerator) / denominator, md5: fields.at(-1)! };
    });
};

const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
const folder = mkdtempSync(join(tmpdir(), 'reprise-matroska-'));
// KEEP_MKV=1 keeps the outputs for a look with ffprobe.
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
    const reference = await writeMediabunny(recording, format, theirs);
    expect(writer.retimedFrames).toBe(reference.retimedFrames);
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
      expect(ourRows).toEqual(theirRows);
    }

    // Seeking through the Cues: clean, and the frame found is the one a full decode has at that time.
    const kind = hasVideo ? 'v' : 'a';
    const seek = ffmpegRun(['-v', 'warning', '-ss', String(seekSec), '-i', ours, '-map', `0:${kind}:0`, '-frames:' + kind, '1', '-f', 'null', '-']);
    expect(seek.stderr).toBe('');
    expect(seek.status).toBe(0);
    if (hasVideo) {
      const sought = frameRows(ours, 'v', ['-ss', String(seekSec)])[0]!;
      const full = frameRows(ours, 'v').find((row) => row.ptsSec >= seekSec - 0.0005)!;
      expect(sought.md5).toBe(full.md5);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Synthetic frames into memory: the writer's rules, one at a time.

/** A sink over a growing byte array, keeping count of the calls. */
const createMemorySink = (): MatroskaSink & { bytes(): Uint8Array; writes: number } => {
  let data = new Uint8Array(0);
  let length = 0;
  const place = (offset: number, bytes: Uint8Array): void => {
    if (offset + bytes.length > data.length) {
      const grown = new Uint8Array(Math.max(2 * data.length, offset + bytes.length));
      grown.set(data.subarray(0, length));
      data = grown;
    }
    data.set(bytes, offset);
    length = Math.max(length, offset + bytes.length);
  };
  const sink = {
    writes: 0,
    write: async (bytes: Uint8Array) => {
      sink.writes++;
      place(length, bytes);
    },
    writeAt: async (offset: number, bytes: Uint8Array) => place(offset, bytes),
    bytes: () => data.slice(0, length),
  };
  return sink;
};

const OPUS_HEAD = serializeOpusHead({ channelCount: 2, preSkip: 312, inputSampleRate: 48_000, outputGain: 0, mappingFamily: 0 });
const AUDIO: MatroskaAudioTrack = { codec: 'opus', channelCount: 2, sampleRate: 48_000, opusHead: OPUS_HEAD };
const START = new Date('2026-11-25T00:48:02.275Z');

const videoFrame = (timestampSec: number, keyframe = false, fill = 1): MatroskaVideoFrame => ({
  data: new Uint8Array(100).fill(fill),
  timestampSec,
  keyframe,
  decoderConfig: Uint8Array.of(1, 0x42, 0, 0x1f),
  width: 320,
  height: 180,
});
const audioFrame = (timestampSec: number, fill = 2): MatroskaAudioFrame => ({ data: new Uint8Array(40).fill(fill), timestampSec, durationSec: 0.02 });

const blocksOf = (parsed: Parsed): Block[] => parsed.clusters.flatMap((cluster) => cluster.blocks);
const trackEntries = (parsed: Parsed): Element[] => childrenOf(child(parsed.segment, EbmlId.Tracks)!, EbmlId.TrackEntry);

const codeOf = async (run: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await run();
  } catch (error) {
    return isRepriseError(error) ? error.code : 'not a RepriseError';
  }
  return undefined;
};

describe('MatroskaWriter rules', () => {
  test('audio alone: the head at open, 1 s Clusters each with a CuePoint, Duration and sizes patched at the end', async () => {
    const sink = createMemorySink();
    const writer = await MatroskaWriter.open({ format: 'mka', sink, audio: AUDIO, comment: '{"t":"a"}', startDate: START });
    expect(sink.writes).toBe(1); // the head, before any frame
    for (let index = 0; index < 250; index++) {
      await writer.writeAudio(audioFrame(index * 0.02));
    }
    expect(sink.writes).toBe(5); // four full Clusters so far: one write each
    await writer.finish();
    const parsed = parseMatroska(sink.bytes());
    checkStructure(parsed, { docType: 'matroska', videoTrack: null, audioTrack: 1 });
    expect(parsed.clusters.map((cluster) => cluster.timestampMs)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(parsed.cues).toEqual(parsed.clusters.map((cluster) => ({ timeMs: cluster.timestampMs, track: 1, position: cluster.element.offset - parsed.segment.dataOffset })));
    const info = child(parsed.segment, EbmlId.Info)!;
    expect(floatOf(parsed.bytes, child(info, EbmlId.Duration)!)).toBe(5000);
    expect(uintOf(parsed.bytes, child(info, EbmlId.TimestampScale)!)).toBe(1_000_000);
    expect(textOf(parsed.bytes, child(info, EbmlId.WritingApp)!)).toBe('Reprise');
    const dateUtc = child(info, EbmlId.DateUTC)!;
    const nanoseconds = new DataView(parsed.bytes.buffer, dateUtc.dataOffset, 8).getBigInt64(0);
    expect(new Date(Number(nanoseconds / 1_000_000n) + Date.UTC(2001, 0, 1))).toEqual(START);
    const [audio] = trackEntries(parsed);
    expect(textOf(parsed.bytes, child(audio!, EbmlId.CodecID)!)).toBe('A_OPUS');
    expect(parsed.bytes.subarray(child(audio!, EbmlId.CodecPrivate)!.dataOffset, child(audio!, EbmlId.CodecPrivate)!.end)).toEqual(OPUS_HEAD);
    expect(uintOf(parsed.bytes, child(audio!, EbmlId.CodecDelay)!)).toBe(6_500_000); // 312 samples at 48 kHz
    expect(uintOf(parsed.bytes, child(audio!, EbmlId.SeekPreRoll)!)).toBe(80_000_000);
    const audioSettings = child(audio!, EbmlId.Audio)!;
    expect(floatOf(parsed.bytes, child(audioSettings, EbmlId.SamplingFrequency)!)).toBe(48_000);
    expect(uintOf(parsed.bytes, child(audioSettings, EbmlId.Channels)!)).toBe(2);
    const simpleTags = childrenOf(child(child(parsed.segment, EbmlId.Tags)!, EbmlId.Tag)!, EbmlId.SimpleTag);
    expect(simpleTags.map((tag) => [textOf(parsed.bytes, child(tag, EbmlId.TagName)!), textOf(parsed.bytes, child(tag, EbmlId.TagString)!)])).toEqual([
      ['COMMENT', '{"t":"a"}'],
      ['DATE_RECORDED', '2026-11-25T00:48:02.275Z'],
    ]);
  });

  test('before finish the file still reads: unknown Segment size, Void where Duration and the Cues entry go', async () => {
    const sink = createMemorySink();
    const writer = await MatroskaWriter.open({ format: 'webm', sink, audio: AUDIO });
    for (let index = 0; index < 100; index++) {
      await writer.writeAudio(audioFrame(index * 0.02));
    }
    const parsed = parseMatroska(sink.bytes());
    expect(parsed.segment.size).toBe(-1);
    expect(child(child(parsed.segment, EbmlId.Info)!, EbmlId.Duration)).toBeUndefined();
    expect(childrenOf(child(parsed.segment, EbmlId.SeekHead)!, EbmlId.Seek)).toHaveLength(2); // Info, Tracks
    expect(parsed.clusters.map((cluster) => cluster.blocks.length)).toEqual([50]);
  });

  test('with video: the head waits for the first video frame (its size and avcC), audio before it is kept in order', async () => {
    const sink = createMemorySink();
    const writer = await MatroskaWriter.open({ format: 'mkv', sink, video: { codec: 'h264' }, audio: AUDIO });
    await writer.writeAudio(audioFrame(0));
    await writer.writeAudio(audioFrame(0.02));
    expect(sink.writes).toBe(0);
    await writer.writeVideo(videoFrame(0.0225, true));
    await writer.writeAudio(audioFrame(0.04));
    await writer.writeVideo(videoFrame(0.0558));
    await writer.finish();
    const parsed = parseMatroska(sink.bytes());
    checkStructure(parsed, { docType: 'matroska', videoTrack: 1, audioTrack: 2 });
    expect(blocksOf(parsed).map((block) => [block.track, block.timestampMs])).toEqual([[2, 0], [2, 20], [1, 23], [2, 40], [1, 56]]);
    const [video, audio] = trackEntries(parsed);
    expect(textOf(parsed.bytes, child(video!, EbmlId.CodecID)!)).toBe('V_MPEG4/ISO/AVC');
    expect([...parsed.bytes.subarray(child(video!, EbmlId.CodecPrivate)!.dataOffset, child(video!, EbmlId.CodecPrivate)!.end)]).toEqual([1, 0x42, 0, 0x1f]);
    const videoSettings = child(video!, EbmlId.Video)!;
    expect([uintOf(parsed.bytes, child(videoSettings, EbmlId.PixelWidth)!), uintOf(parsed.bytes, child(videoSettings, EbmlId.PixelHeight)!)]).toEqual([320, 180]);
    expect(child(videoSettings, EbmlId.Projection)).toBeUndefined();
    expect(uintOf(parsed.bytes, child(audio!, EbmlId.TrackNumber)!)).toBe(2);
    // The last video frame lasts as long as the step before it: 56 + 33 ms.
    expect(floatOf(parsed.bytes, child(child(parsed.segment, EbmlId.Info)!, EbmlId.Duration)!)).toBe(56 + 33);
  });

  test('a Cluster per keyframe with a CuePoint; 5 s without a keyframe cuts a Cluster with none; long gaps too', async () => {
    const sink = createMemorySink();
    const writer = await MatroskaWriter.open({ format: 'webm', sink, video: { codec: 'vp8' } });
    const times = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 50, 51];
    for (const timeSec of times) {
      await writer.writeVideo(videoFrame(timeSec, timeSec === 0 || timeSec === 7 || timeSec === 51));
    }
    await writer.finish();
    const parsed = parseMatroska(sink.bytes());
    checkStructure(parsed, { docType: 'webm', videoTrack: 1, audioTrack: null });
    expect(parsed.clusters.map((cluster) => cluster.timestampMs / 1000)).toEqual([0, 5, 7, 12, 50, 51]);
    expect(parsed.cues.map((cue) => cue.timeMs / 1000)).toEqual([0, 7, 51]);
    expect(child(trackEntries(parsed)[0]!, EbmlId.CodecPrivate)).toBeUndefined(); // VP8 has none
  });

  test('ties and small disorder between tracks: written in time order, video first on a tie', async () => {
    const sink = createMemorySink();
    const writer = await MatroskaWriter.open({ format: 'webm', sink, video: { codec: 'vp8' }, audio: AUDIO });
    await writer.writeVideo(videoFrame(0, true));
    await writer.writeAudio(audioFrame(0));
    await writer.writeAudio(audioFrame(0.02));
    await writer.writeAudio(audioFrame(0.04)); // ahead of the next video frame, which comes late
    await writer.writeVideo(videoFrame(0.033));
    await writer.writeAudio(audioFrame(0.06));
    await writer.writeAudio(audioFrame(0.08));
    await writer.writeVideo(videoFrame(0.08, true)); // a keyframe tied with audio: it starts the Cluster
    await writer.writeAudio(audioFrame(0.1));
    await writer.finish();
    const parsed = parseMatroska(sink.bytes());
    checkStructure(parsed, { docType: 'webm', videoTrack: 1, audioTrack: 2 });
    expect(parsed.clusters.map((cluster) => cluster.blocks.map((block) => `${block.track}@${block.timestampMs}`))).toEqual([
      ['1@0', '2@0', '2@20', '1@33', '2@40', '2@60'],
      ['1@80', '2@80', '2@100'],
    ]);
  });

  test('timestamps closer than 1 ms on a track are moved 1 ms on and counted', async () => {
    const sink = createMemorySink();
    const writer = await MatroskaWriter.open({ format: 'webm', sink, video: { codec: 'vp8' }, audio: AUDIO });
    await writer.writeVideo(videoFrame(0, true));
    await writer.writeVideo(videoFrame(0)); // same time
    await writer.writeVideo(videoFrame(0.0015)); // 0.5 ms after the moved one
    await writer.writeVideo(videoFrame(0.1));
    await writer.writeAudio(audioFrame(0.05));
    await writer.writeAudio(audioFrame(0.0502));
    await writer.finish();
    expect(writer.retimedFrames).toBe(3);
    const blocks = blocksOf(parseMatroska(sink.bytes()));
    expect(blocks.filter((block) => block.track === 1).map((block) => block.timestampMs)).toEqual([0, 1, 2, 100]);
    expect(blocks.filter((block) => block.track === 2).map((block) => block.timestampMs)).toEqual([50, 51]);
  });

  test('a track ending early does not hold the other back: blocks go out within the reorder window', async () => {
    const sink = createMemorySink();
    const writer = await MatroskaWriter.open({ format: 'webm', sink, video: { codec: 'vp8' }, audio: AUDIO });
    await writer.writeVideo(videoFrame(0, true));
    for (let index = 0; index < 1000; index++) {
      await writer.writeAudio(audioFrame(index * 0.02));
    }
    // 20 s of audio after the last video frame: 15 s of it is out already in three closed 5 s Clusters; the rest
    // is in the open Cluster and the 2 s reorder queue.
    expect(parseMatroska(sink.bytes()).clusters.reduce((sum, cluster) => sum + cluster.blocks.length, 0)).toBe(751);
    await writer.finish();
    const parsed = parseMatroska(sink.bytes());
    checkStructure(parsed, { docType: 'webm', videoTrack: 1, audioTrack: 2 });
    expect(blocksOf(parsed)).toHaveLength(1001);
  });

  test('a video track that never gets a frame is left out', async () => {
    const sink = createMemorySink();
    const writer = await MatroskaWriter.open({ format: 'webm', sink, video: { codec: 'vp9' }, audio: AUDIO });
    await writer.writeAudio(audioFrame(0));
    await writer.writeAudio(audioFrame(0.02));
    await writer.finish();
    const parsed = parseMatroska(sink.bytes());
    checkStructure(parsed, { docType: 'webm', videoTrack: null, audioTrack: 1 });
    expect(trackEntries(parsed)).toHaveLength(1);
  });

  test('rotation goes into a rectangular Projection (counter-clockwise roll)', async () => {
    const rolls: number[] = [];
    for (const rotationDeg of [90, 180, 270] as const) {
      const sink = createMemorySink();
      const writer = await MatroskaWriter.open({ format: 'webm', sink, video: { codec: 'vp8', rotationDeg } });
      await writer.writeVideo(videoFrame(0, true));
      await writer.finish();
      const parsed = parseMatroska(sink.bytes());
      const projection = child(child(trackEntries(parsed)[0]!, EbmlId.Video)!, EbmlId.Projection)!;
      expect(uintOf(parsed.bytes, child(projection, EbmlId.ProjectionType)!)).toBe(0);
      rolls.push(floatOf(parsed.bytes, child(projection, EbmlId.ProjectionPoseRoll)!));
    }
    expect(rolls).toEqual([-90, 180, 90]);
  });

  test('codecs the container cannot hold are refused', async () => {
    const sink = createMemorySink();
    expect(await codeOf(() => MatroskaWriter.open({ format: 'mka', sink, video: { codec: 'vp8' } }))).toBe('CONVERT_CODEC_CONTAINER');
    expect(await codeOf(() => MatroskaWriter.open({ format: 'webm', sink, video: { codec: 'h264' } }))).toBe('CONVERT_CODEC_CONTAINER');
    expect(sink.writes).toBe(0);
  });

  test('frames for a track that was not declared, and writes after finish, are bugs', async () => {
    const writer = await MatroskaWriter.open({ format: 'webm', sink: createMemorySink(), audio: AUDIO });
    await expect(writer.writeVideo(videoFrame(0, true))).rejects.toThrow(/no video track/);
    await writer.finish();
    await expect(writer.writeAudio(audioFrame(1))).rejects.toThrow(/finished/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Speed and memory over one hour of real frames (printed, not asserted).

/** The meeting's frames repeated to `minutes`, each pass shifted by the span of the one before. */
const repeatCalls = function* (recording: Recording, minutes: number): Generator<WriterCall> {
  const spanSec = recording.endSec + 0.04;
  for (let pass = 0; pass * spanSec < minutes * 60; pass++) {
    const shiftSec = pass * spanSec;
    for (const call of recording.calls) {
      yield call.kind === 'video'
        ? { kind: 'video', frame: { ...call.frame, timestampSec: call.frame.timestampSec + shiftSec } }
        : { kind: 'audio', frame: { ...call.frame, timestampSec: call.frame.timestampSec + shiftSec } };
    }
  }
};

const measure = async (run: (onFrame: () => void) => Promise<void>): Promise<{ seconds: number; peakRssMiB: number; frames: number }> => {
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  let frames = 0;
  const startMs = performance.now();
  await run(() => {
    if (++frames % 5000 === 0) {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  });
  const seconds = (performance.now() - startMs) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { seconds, peakRssMiB: (peakRss - startRss) / 2 ** 20, frames };
};

const feedCounting = async (writer: FrameSink, calls: Iterable<WriterCall>, onFrame: () => void): Promise<void> => {
  for (const call of calls) {
    if (call.kind === 'video') {
      await writer.writeVideo(call.frame);
    } else {
      await writer.writeAudio(call.frame);
    }
    onFrame();
  }
  await writer.finish();
};

describe.skipIf(!hasFfmpeg)('speed and memory', () => {
  test('one hour of VP8 + Opus, against mediabunny', { timeout: 300_000 }, async () => {
    const recording = await loadRecording([fixture(REAL, 'video-1.mjr'), fixture(REAL, 'audio-0.mjr')]);
    const options = { format: 'webm' as const, ...tracksOf(recording), comment: recording.comment, startDate: recording.startDate };
    let discardedBytes = 0;
    const discard: MatroskaSink = {
      write: async (bytes) => {
        discardedBytes += bytes.length;
      },
      writeAt: async () => undefined,
    };
    const idle: FrameSink = { writeVideo: async () => undefined, writeAudio: async () => undefined, finish: async () => undefined };
    const ourFile = join(folder, 'hour.ours.webm');
    const theirFile = join(folder, 'hour.mediabunny.webm');
    const results = {
      'feeding alone (no writer)': await measure(async (onFrame) => feedCounting(idle, repeatCalls(recording, 60), onFrame)),
      'MatroskaWriter, discarding sink': await measure(async (onFrame) => feedCounting(await MatroskaWriter.open({ ...options, sink: discard }), repeatCalls(recording, 60), onFrame)),
      'MatroskaWriter, openFileSink': await measure(async (onFrame) => {
        const sink = await openFileSink(ourFile);
        await feedCounting(await MatroskaWriter.open({ ...options, sink }), repeatCalls(recording, 60), onFrame);
        await sink.close();
      }),
      'mediabunny, NullTarget': await measure(async (onFrame) =>
        feedCounting(await MediaWriter.open({ ...options, target: new NullTarget() }), repeatCalls(recording, 60), onFrame),
      ),
      'mediabunny, FilePathTarget': await measure(async (onFrame) =>
        feedCounting(await MediaWriter.open({ ...options, target: new FilePathTarget(theirFile) }), repeatCalls(recording, 60), onFrame),
      ),
    };
    const frames = results['feeding alone (no writer)'].frames;
    console.log(
      [
        `1 hour of VP8 + Opus: ${frames.toLocaleString('en')} frames, ${(discardedBytes / 2 ** 20).toFixed(1)} MiB of WebM (mediabunny's: ${(readFileSync(theirFile).length / 2 ** 20).toFixed(1)} MiB)`,
        ...Object.entries(results).map(
          ([name, result]) => `  ${name.padEnd(34)} ${result.seconds.toFixed(3)} s   peak RSS +${result.peakRssMiB.toFixed(1).padStart(5)} MiB over the start of the run`,
        ),
      ].join('\n'),
    );
    for (const result of Object.values(results)) {
      expect(result.frames).toBe(frames);
    }
    // The hour file: its Duration, and a seek to the middle through the Cues (a decode from the start would take seconds).
    expect(Math.abs(Number(probe(ourFile).format.duration) - Number(probe(theirFile).format.duration))).toBeLessThan(0.002);
    const seek = ffmpegRun(['-v', 'warning', '-ss', '1800', '-i', ourFile, '-map', '0', '-t', '2', '-f', 'null', '-']);
    console.log(`  seek to 30:00 and decode 2 s: ${seek.elapsedMs.toFixed(0)} ms`);
    expect(seek.stderr).toBe('');
  });
});
