/** `reprise convert` from the command line: formats, data channels, PCM audio, remuxing, refusals, atomic output. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { decodeWarnings, frameDigests, probe } from './support/decode-check.js';
import { buildRtpPacket, FIRST_PACKET_US, writeMjr, type MjrFrame } from './support/mjr-writer.js';

const REAL = join(import.meta.dirname, 'fixtures', 'real');
const out = mkdtempSync(join(tmpdir(), 'reprise-cli-convert-'));
const fixture = (folder: string, pattern: RegExp): string => join(folder, readdirSync(folder).find((name) => pattern.test(name))!);

const run = async (...argv: string[]) => {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } });
  return { code, stdout, stderr };
};

const ffmpeg = (args: string[]): Buffer => {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args]);
  if (result.status !== 0) {
    throw new Error(result.stderr.toString());
  }
  return result.stdout;
};

describe('data channels', () => {
  const data = fixture(REAL, /-data-2\.mjr$/);

  test('text → WebVTT with wall-clock cue names, readable by ffmpeg', async () => {
    const output = join(out, 'chat.vtt');
    const { code } = await run('convert', data, '-o', output);
    expect(code).toBe(0);
    const text = readFileSync(output, 'utf8');
    expect(text.startsWith('WEBVTT')).toBe(true);
    expect(text.match(/^hello \d+$/gm)).toHaveLength(11);
    expect(text).toMatch(/^2026-11-25T00:48:0\d\.\d{6}Z$/m);
    const srt = ffmpeg(['-i', output, '-f', 'srt', '-']).toString();
    expect(srt.match(/-->/g)).toHaveLength(11);
  });

  test('text → SRT with commas before the milliseconds (janus-pp-rec writes dots)', async () => {
    const output = join(out, 'chat.srt');
    expect((await run('convert', data, '-o', output)).code).toBe(0);
    const text = readFileSync(output, 'utf8');
    expect(text).toMatch(/^00:00:0\d,\d{3} --> 00:00:0\d,\d{3}$/m);
    expect(text.match(/^hello \d+$/gm)).toHaveLength(11);
  });
});

describe('PCM audio to WAV', () => {
  /** µ-law from ffmpeg, packetized 20 ms (160 bytes) per packet; packets 50-59 lost. */
  const mulawRecording = (): { mjr: string; reference: Int16Array } => {
    const mulaw = ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000:duration=3', '-f', 'mulaw', '-']);
    const frames: MjrFrame[] = [];
    for (let index = 0; index * 160 < mulaw.length; index++) {
      if (index >= 50 && index < 60) {
        continue;
      }
      frames.push({
        arrivalOffsetMs: index * 20,
        bytes: buildRtpPacket({ payloadType: 0, sequenceNumber: 100 + index, timestamp: index * 160, payload: new Uint8Array(mulaw.subarray(index * 160, (index + 1) * 160)) }),
      });
    }
    const mjr = join(out, 'pcmu.mjr');
    writeFileSync(mjr, writeMjr({ header: { t: 'a', c: 'pcmu', s: FIRST_PACKET_US, u: FIRST_PACKET_US }, frames }));
    const referenceFile = join(out, 'reference.mulaw');
    writeFileSync(referenceFile, mulaw);
    const raw = ffmpeg(['-f', 'mulaw', '-ar', '8000', '-ac', '1', '-i', referenceFile, '-f', 's16le', '-']);
    return { mjr, reference: new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2) };
  };

  test('G.711 µ-law: decoded exactly, the lost 200 ms filled with silence, full length kept', async () => {
    const { mjr, reference } = mulawRecording();
    const output = join(out, 'pcmu.wav');
    expect((await run('convert', mjr, '-o', output)).code).toBe(0);
    expect(decodeWarnings(output)).toBe('');
    expect(probe(output).streams[0]).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '8000', channels: 1 });
    const raw = ffmpeg(['-i', output, '-f', 's16le', '-']);
    const decoded = new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2);
    expect(decoded.length).toBe(reference.length);
    expect(Array.from(decoded.subarray(0, 8000))).toEqual(Array.from(reference.subarray(0, 8000)));
    expect(decoded.subarray(8000, 9600).every((sample) => sample === 0)).toBe(true);
    expect(Array.from(decoded.subarray(9600))).toEqual(Array.from(reference.subarray(9600)));
  });
});

describe('refusals and atomic output', () => {
  test('a codec the container cannot hold is refused with a coded error, and nothing is written', async () => {
    const video = fixture(REAL, /user-1002-.*-video-1\.mjr$/);
    const output = join(out, 'vp8.mp4');
    const { code, stderr } = await run('convert', video, '-o', output);
    expect(code).toBe(1);
    expect(stderr).toMatch(/CONVERT_CODEC_CONTAINER: vp8 video cannot go into mp4/);
    expect(existsSync(output)).toBe(false);
  });

  test('a recording with no media fails with a coded error and leaves no file, half-written or temporary', async () => {
    const empty = join(out, 'empty.mjr');
    writeFileSync(empty, 'MJR00002');
    const before = readdirSync(out).length;
    const { code, stderr } = await run('convert', empty, '-o', join(out, 'empty.webm'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/MJR_EMPTY/);
    expect(readdirSync(out).length).toBe(before);
  });

  test('an existing file is replaced only by a complete one', async () => {
    const output = join(out, 'keep.webm');
    writeFileSync(output, 'previous content');
    const bad = join(out, 'garbage.mjr');
    writeFileSync(bad, 'this is not a recording at all');
    expect((await run('convert', bad, '-o', output)).code).toBe(1);
    expect(readFileSync(output, 'utf8')).toBe('previous content');
  });

  test('--json prints the conversion report', async () => {
    const audio = fixture(REAL, /user-1002-.*-audio-0\.mjr$/);
    const { code, stdout } = await run('convert', audio, '-o', join(out, 'bob.ogg'), '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ format: 'ogg', tracks: [{ kind: 'audio', codec: 'opus', framesWritten: 547, gapsFilled: { frames: 0 } }] });
  });
});

describe('remux without re-encoding', () => {
  test('H.264 in a WebM/Matroska file (as MediaRecorder writes it) → MP4, same frames', async () => {
    const input = join(out, 'recorder.webm');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'matroska', input]);
    const output = join(out, 'recorder.mp4');
    const { code } = await run('convert', input, '-o', output);
    expect(code).toBe(0);
    expect(probe(output).streams[0]).toMatchObject({ codec_name: 'h264', width: 320, height: 240 });
    expect(frameDigests(output, 'v')).toEqual(frameDigests(input, 'v'));
  });

  test('a codec the target cannot hold is refused (VP8 WebM → MP4)', async () => {
    const input = join(out, 'vp8.webm');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10:duration=1', '-c:v', 'libvpx', input]);
    const { code, stderr } = await run('convert', input, '-o', join(out, 'vp8-remux.mp4'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/CONVERT_CODEC_CONTAINER/);
  });
});
