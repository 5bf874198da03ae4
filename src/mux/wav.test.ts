import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isRepriseError } from '../shared/errors.js';
import { MAX_WAV_DATA_BYTES, WavWriter, renderWavHeader, type WavSink } from './wav.js';

/** Hex rows with `#` comments. */
const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.split('\n').map((row) => row.replace(/#.*/, '').replace(/\s+/g, '')).join(''), 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return isRepriseError(error) ? error.code : 'not a RepriseError';
  }
  return undefined;
};

const asyncCodeOf = async (run: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await run();
  } catch (error) {
    return isRepriseError(error) ? error.code : 'not a RepriseError';
  }
  return undefined;
};

/** A sink over a growing byte array. */
const createMemorySink = (): WavSink & { bytes(): Uint8Array } => {
  let data = new Uint8Array(0);
  const place = (offset: number, bytes: Uint8Array): void => {
    if (offset + bytes.length > data.length) {
      const grown = new Uint8Array(offset + bytes.length);
      grown.set(data);
      data = grown;
    }
    data.set(bytes, offset);
  };
  return {
    write: async (bytes) => place(data.length, bytes),
    writeAt: async (offset, bytes) => place(offset, bytes),
    bytes: () => data,
  };
};

describe('renderWavHeader', () => {
  test('8 kHz mono with 16000 data bytes (1 s): the true RIFF and data sizes', () => {
    expect(toHex(renderWavHeader({ sampleRate: 8000, channelCount: 1, dataBytes: 16000 }))).toBe(
      toHex(hex(`
        52494646 a43e0000 57415645   # "RIFF", 36 + 16000, "WAVE"
        666d7420 10000000 0100 0100  # "fmt ", 16, PCM, 1 channel
        401f0000 803e0000 0200 1000  # 8000 Hz, 16000 B/s, block align 2, 16 bits
        64617461 803e0000            # "data", 16000 (janus-pp-rec would write 16044)
      `)),
    );
  });

  test('48 kHz stereo: byte rate and block align count both channels', () => {
    const view = new DataView(renderWavHeader({ sampleRate: 48000, channelCount: 2, dataBytes: 0 }).buffer);
    expect([view.getUint32(4, true), view.getUint16(22, true), view.getUint32(24, true), view.getUint32(28, true), view.getUint16(32, true), view.getUint32(40, true)]).toEqual([
      36, 2, 48000, 192000, 4, 0,
    ]);
  });

  test('the largest data size whose RIFF size still fits in 32 bits', () => {
    const view = new DataView(renderWavHeader({ sampleRate: 8000, channelCount: 1, dataBytes: MAX_WAV_DATA_BYTES - 1 }).buffer);
    expect(view.getUint32(4, true)).toBe(0xfffffffe);
    expect(view.getUint32(40, true)).toBe(0xffffffda);
  });

  const refusals = [
    { name: 'a zero sample rate', fields: { sampleRate: 0, channelCount: 1, dataBytes: 0 }, code: 'WAV_BAD_FORMAT' },
    { name: 'a fractional sample rate', fields: { sampleRate: 8000.5, channelCount: 1, dataBytes: 0 }, code: 'WAV_BAD_FORMAT' },
    { name: 'no channels', fields: { sampleRate: 8000, channelCount: 0, dataBytes: 0 }, code: 'WAV_BAD_FORMAT' },
    { name: 'a byte rate past 32 bits', fields: { sampleRate: 2 ** 31, channelCount: 2, dataBytes: 0 }, code: 'WAV_BAD_FORMAT' },
    { name: 'half a sample', fields: { sampleRate: 8000, channelCount: 1, dataBytes: 3 }, code: 'WAV_BAD_FORMAT' },
    { name: 'half a stereo frame', fields: { sampleRate: 8000, channelCount: 2, dataBytes: 6 }, code: 'WAV_BAD_FORMAT' },
    { name: 'data past 4 GiB', fields: { sampleRate: 8000, channelCount: 1, dataBytes: 2 ** 32 }, code: 'WAV_TOO_LARGE' },
    { name: 'data whose RIFF size would not fit', fields: { sampleRate: 8000, channelCount: 1, dataBytes: MAX_WAV_DATA_BYTES + 1 }, code: 'WAV_TOO_LARGE' },
  ];
  test.each(refusals)('refuses $name', ({ fields, code }) => {
    expect(codeOf(() => renderWavHeader(fields))).toBe(code);
  });
});

describe('WavWriter', () => {
  test('writes a placeholder header first, then samples, then patches the true sizes', async () => {
    const sink = createMemorySink();
    const writer = await WavWriter.open(sink, { sampleRate: 16000, channelCount: 1 });
    const placeholder = new DataView(sink.bytes().buffer);
    expect([sink.bytes().length, placeholder.getUint32(4, true), placeholder.getUint32(40, true)]).toEqual([44, 0xffffffff, 0xffffffff]);

    await writer.writeSamples(Int16Array.of(1, -2));
    await writer.writeSamples(new Int16Array(0));
    await writer.writeSamples(Int16Array.of(0x1234, -32768, 32767));
    const summary = await writer.finish();

    expect(summary).toEqual({ dataBytes: 10, frameCount: 5, durationSec: 5 / 16000 });
    expect(toHex(sink.bytes().subarray(0, 44))).toBe(toHex(renderWavHeader({ sampleRate: 16000, channelCount: 1, dataBytes: 10 })));
    expect(toHex(sink.bytes().subarray(44))).toBe('0100feff34120080ff7f');
  });

  test('refuses a chunk that would pass the size cap, and writes none of it', async () => {
    const sink = createMemorySink();
    const writer = await WavWriter.open(sink, { sampleRate: 8000, channelCount: 1 }, { maxDataBytes: 10 });
    await writer.writeSamples(new Int16Array(4));
    expect(await asyncCodeOf(() => writer.writeSamples(new Int16Array(2)))).toBe('WAV_TOO_LARGE');
    expect((await writer.finish()).dataBytes).toBe(8);
    expect(sink.bytes()).toHaveLength(52);
  });

  test('refuses a partial stereo frame and a bad format', async () => {
    const writer = await WavWriter.open(createMemorySink(), { sampleRate: 48000, channelCount: 2 });
    expect(await asyncCodeOf(() => writer.writeSamples(Int16Array.of(1, 2, 3)))).toBe('WAV_BAD_FORMAT');
    expect(await asyncCodeOf(() => WavWriter.open(createMemorySink(), { sampleRate: -1, channelCount: 1 }))).toBe('WAV_BAD_FORMAT');
  });

  test('is unusable after finish()', async () => {
    const writer = await WavWriter.open(createMemorySink(), { sampleRate: 8000, channelCount: 1 });
    await writer.finish();
    await expect(writer.writeSamples(Int16Array.of(1))).rejects.toThrow(/Internal error/);
  });
});

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;

describe.skipIf(!hasFfmpeg)('WavWriter output read by ffmpeg (needs ffmpeg and ffprobe)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'reprise-wav-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** The caller-side adapter production code would use: a file opened for writing. */
  const writeWavFile = async (path: string, format: { sampleRate: number; channelCount: number }, chunks: Int16Array[]): Promise<void> => {
    const handle = await open(path, 'w');
    let position = 0;
    const sink: WavSink = {
      write: async (bytes) => {
        await handle.write(bytes, 0, bytes.length, position);
        position += bytes.length;
      },
      writeAt: async (offset, bytes) => {
        await handle.write(bytes, 0, bytes.length, offset);
      },
    };
    try {
      const writer = await WavWriter.open(sink, format);
      for (const chunk of chunks) {
        await writer.writeSamples(chunk);
      }
      await writer.finish();
    } finally {
      await handle.close();
    }
  };

  const tone = (sampleRate: number, channelCount: number, seconds: number): Int16Array => {
    const frames = Math.round(sampleRate * seconds);
    return Int16Array.from({ length: frames * channelCount }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * Math.floor(i / channelCount)) / sampleRate)));
  };

  const cases = [
    { name: '8 kHz mono, 1.5 s (G.711)', sampleRate: 8000, channelCount: 1, seconds: 1.5 },
    { name: '16 kHz mono, 2 s (G.722)', sampleRate: 16000, channelCount: 1, seconds: 2 },
    { name: '48 kHz stereo, 0.5 s (L16)', sampleRate: 48000, channelCount: 2, seconds: 0.5 },
  ];
  test.each(cases)('$name: ffprobe reads duration and rate, ffmpeg decodes silently and sample-exact', async ({ sampleRate, channelCount, seconds }) => {
    const path = join(folder, `tone-${sampleRate}-${channelCount}.wav`);
    const samples = tone(sampleRate, channelCount, seconds);
    const third = Math.floor(samples.length / channelCount / 3) * channelCount;
    await writeWavFile(path, { sampleRate, channelCount }, [samples.subarray(0, third), samples.subarray(third)]);

    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,channels,duration', '-of', 'json', path], { encoding: 'utf8' });
    expect(probe.stderr).toBe('');
    const stream = (JSON.parse(probe.stdout) as { streams: Array<Record<string, unknown>> }).streams[0];
    expect(stream).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: String(sampleRate), channels: channelCount });
    expect(Number(stream?.duration)).toBe(seconds);

    const decoded = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 's16le', '-'], { maxBuffer: 64 * 1024 * 1024 });
    expect(decoded.stderr.toString()).toBe('');
    expect(decoded.status).toBe(0);
    expect(Buffer.compare(decoded.stdout, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength))).toBe(0);
  });
});
