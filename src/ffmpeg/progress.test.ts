import { describe, expect, test } from 'vitest';
import { parseProgressBlock, ProgressBlockSplitter } from './progress.js';

// Witnessed in nature: ffmpeg 5.1.9 (Debian 12), `-progress pipe:3`, output of
//   ffmpeg -hide_banner -nostdin -nostats -progress pipe:3 -f lavfi -i sine=frequency=440:duration=1 \
//     -f lavfi -i testsrc=size=64x48:rate=10:duration=1 -c:v mpeg4 -c:a pcm_s16le -f matroska p.mkv
const VIDEO_RUN = `frame=1
fps=0.00
stream_0_0_q=2.8
bitrate= 257.0kbits/s
total_size=739
out_time_us=23000
out_time_ms=23000
out_time=00:00:00.023000
dup_frames=0
drop_frames=0
speed=  14x
progress=continue
frame=10
fps=0.00
stream_0_0_q=2.0
bitrate= 744.8kbits/s
total_size=93101
out_time_us=1000000
out_time_ms=1000000
out_time=00:00:01.000000
dup_frames=0
drop_frames=0
speed= 145x
progress=end
`;

// Witnessed in nature: ffmpeg 5.1.9, audio only (`-f lavfi -i sine=frequency=440:duration=0.5 -f null -`):
// no frame/fps keys, N/A bitrate, size and (first) speed.
const AUDIO_RUN = `bitrate=N/A
total_size=N/A
out_time_us=23220
out_time_ms=23220
out_time=00:00:00.023220
dup_frames=0
drop_frames=0
speed=N/A
progress=continue
bitrate=N/A
total_size=N/A
out_time_us=500000
out_time_ms=500000
out_time=00:00:00.500000
dup_frames=0
drop_frames=0
speed= 430x
progress=end
`;

// Witnessed in nature: ffmpeg 5.1.9 with `-re` (real time), a block in the middle of the run.
const REALTIME_BLOCK = `frame=13
fps=0.00
stream_0_0_q=-0.0
bitrate=N/A
total_size=N/A
out_time_us=520000
out_time_ms=520000
out_time=00:00:00.520000
dup_frames=0
drop_frames=0
speed=1.03x
progress=continue`;

describe('parseProgressBlock', () => {
  const cases = [
    {
      name: 'video, first block (witnessed)',
      text: VIDEO_RUN.split('progress=continue\n')[0] + 'progress=continue',
      expected: { frame: 1, fps: 0, bitrateKbps: 257, totalSizeBytes: 739, outTimeUs: 23_000, outTimeMs: 23, dupFrames: 0, dropFrames: 0, speed: 14, progress: 'continue' },
    },
    {
      name: 'video, last block (witnessed)',
      text: VIDEO_RUN.split('progress=continue\n')[1]!,
      expected: { frame: 10, fps: 0, bitrateKbps: 744.8, totalSizeBytes: 93_101, outTimeUs: 1_000_000, outTimeMs: 1000, speed: 145, progress: 'end' },
    },
    {
      name: 'audio only: no frame, N/A values (witnessed)',
      text: AUDIO_RUN.split('progress=continue\n')[0] + 'progress=continue',
      expected: { frame: null, fps: null, bitrateKbps: null, totalSizeBytes: null, outTimeUs: 23_220, outTimeMs: 23.22, speed: null, progress: 'continue' },
    },
    {
      name: 'real-time run (witnessed)',
      text: REALTIME_BLOCK,
      expected: { frame: 13, outTimeMs: 520, speed: 1.03, progress: 'continue' },
    },
    {
      name: 'only out_time_ms, which is µs despite its name (invented: older scripts strip out_time_us)',
      text: 'out_time_ms=1500000\nprogress=continue',
      expected: { outTimeUs: 1_500_000, outTimeMs: 1500 },
    },
    {
      name: 'only out_time, negative at the start (invented, format as ffmpeg prints it)',
      text: 'out_time=-00:00:00.023220\nprogress=continue',
      expected: { outTimeUs: -23_220, outTimeMs: -23.22 },
    },
    {
      name: 'no timestamp yet: every out_time key N/A (invented, as ffmpeg writes it before the first packet)',
      text: 'frame=0\nout_time_us=N/A\nout_time_ms=N/A\nout_time=N/A\nspeed=N/A\nprogress=continue',
      expected: { frame: 0, outTimeUs: null, outTimeMs: null, speed: null },
    },
    {
      name: 'cut before its progress line, CRLF, junk line (invented)',
      text: 'frame=5\r\ngarbage\r\nspeed=2.5e+03x\r\n',
      expected: { frame: 5, speed: 2500, progress: null },
    },
  ];
  test.each(cases)('$name', ({ text, expected }) => {
    expect(parseProgressBlock(text)).toMatchObject(expected);
  });

  test('keeps per-stream keys in fields', () => {
    expect(parseProgressBlock(REALTIME_BLOCK).fields['stream_0_0_q']).toBe('-0.0');
  });
});

describe('ProgressBlockSplitter', () => {
  const bytes = new TextEncoder().encode(VIDEO_RUN + AUDIO_RUN);

  test('one chunk: four blocks, the progress line closing each', () => {
    const splitter = new ProgressBlockSplitter();
    const blocks = [...splitter.push(bytes), ...splitter.end()];
    expect(blocks).toHaveLength(4);
    expect(blocks.map((block) => parseProgressBlock(block).progress)).toEqual(['continue', 'end', 'continue', 'end']);
    expect(blocks[1]).toBe(VIDEO_RUN.split('progress=continue\n')[1]!.trimEnd());
  });

  test.each([1, 2, 3, 7, 64])('chunks of %i bytes give the same blocks', (size) => {
    const whole = new ProgressBlockSplitter().push(bytes);
    const splitter = new ProgressBlockSplitter();
    const blocks: string[] = [];
    for (let offset = 0; offset < bytes.length; offset += size) {
      blocks.push(...splitter.push(bytes.subarray(offset, offset + size)));
    }
    blocks.push(...splitter.end());
    expect(blocks).toEqual(whole);
  });

  test('a block cut by the end of the stream comes out of end()', () => {
    const splitter = new ProgressBlockSplitter();
    expect(splitter.push('frame=1\nprogress=continue\nframe=2\nout_time_us=40')).toHaveLength(1);
    const rest = splitter.end();
    expect(rest).toEqual(['frame=2\nout_time_us=40']);
    expect(parseProgressBlock(rest[0]!)).toMatchObject({ frame: 2, outTimeUs: 40, progress: null });
  });

  test('memory stays bounded on a stream with no newlines', () => {
    const splitter = new ProgressBlockSplitter();
    for (let index = 0; index < 1000; index++) {
      splitter.push('x'.repeat(10_000));
    }
    const [block] = splitter.end();
    expect(block!.length).toBeLessThanOrEqual(4096);
  });
});
