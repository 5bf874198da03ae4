/**
 * WAV output: RIFF (Microsoft/IBM Multimedia Programming Interface and Data Specifications 1.0, 1991,
 * "RIFF" and "WAVE" chapters) holding WAVE_FORMAT_PCM, 16-bit little-endian samples, interleaved per frame.
 *
 *     offset  size  field
 *          0     4  "RIFF"
 *          4     4  u32 LE  RIFF size = 36 + data bytes   (everything after this field)
 *          8     4  "WAVE"
 *         12     4  "fmt "
 *         16     4  u32 LE  16 (fmt chunk size)
 *         20     2  u16 LE  1 = WAVE_FORMAT_PCM
 *         22     2  u16 LE  channels
 *         24     4  u32 LE  sample rate
 *         28     4  u32 LE  byte rate = sample rate × block align
 *         32     2  u16 LE  block align = channels × 2
 *         34     2  u16 LE  16 bits per sample
 *         36     4  "data"
 *         40     4  u32 LE  data bytes
 *         44        samples
 *
 * janus-pp-rec patches the data size with the whole file size (44 bytes too many); we write the true sizes.
 * The sizes are u32, so a WAV file holds at most 2^32 - 1 - 36 data bytes: larger outputs are refused with
 * WAV_TOO_LARGE before anything past the limit is written. Until `finish()` patches them, both sizes hold
 * 0xFFFFFFFF ("unknown length"), so a file cut short by a crash still reads to its end in tolerant readers.
 *
 * The writer knows nothing of files: the caller passes a sink (file-backed in production, memory in tests).
 */
import { RepriseError, assert } from '../shared/errors.js';

export type WavFormat = { sampleRate: number; channelCount: number };

export type WavHeaderFields = WavFormat & { dataBytes: number };

export type WavSink = {
  write(bytes: Uint8Array): Promise<void>;
  writeAt(offset: number, bytes: Uint8Array): Promise<void>;
};

export type WavSummary = { dataBytes: number; frameCount: number; durationSec: number };

export const WAV_HEADER_BYTES = 44;
const BYTES_PER_SAMPLE = 2;
/** The RIFF size field (36 + data bytes) must fit in a u32. */
export const MAX_WAV_DATA_BYTES = 0xffffffff - 36;
const UNKNOWN_SIZE = 0xffffffff;

const checkFormat = ({ sampleRate, channelCount }: WavFormat): void => {
  const blockAlign = channelCount * BYTES_PER_SAMPLE;
  const valid =
    Number.isInteger(sampleRate) &&
    sampleRate > 0 &&
    Number.isInteger(channelCount) &&
    channelCount > 0 &&
    blockAlign <= 0xffff &&
    sampleRate * blockAlign <= 0xffffffff;
  if (!valid) {
    throw new RepriseError('WAV_BAD_FORMAT', `WAV needs a positive integer sample rate and channel count, got ${sampleRate} Hz, ${channelCount} channels`, {
      details: { sampleRate, channelCount },
    });
  }
};

const checkDataBytes = (dataBytes: number, blockAlign: number, maxDataBytes = MAX_WAV_DATA_BYTES): void => {
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes % blockAlign !== 0) {
    throw new RepriseError('WAV_BAD_FORMAT', `WAV data must be whole frames of ${blockAlign} bytes, got ${dataBytes} bytes`, {
      details: { dataBytes, blockAlign },
    });
  }
  if (dataBytes > maxDataBytes) {
    throw new RepriseError('WAV_TOO_LARGE', `WAV data is limited to ${maxDataBytes} bytes, got ${dataBytes}`, {
      details: { dataBytes, maxDataBytes },
    });
  }
};

const writeAscii = (view: DataView, offset: number, text: string): void => {
  for (let i = 0; i < text.length; i++) {
    view.setUint8(offset + i, text.charCodeAt(i));
  }
};

/** Sizes as given; `renderWavHeader` checks them, the placeholder uses UNKNOWN_SIZE. */
const fillHeader = ({ sampleRate, channelCount }: WavFormat, riffBytes: number, dataBytes: number): Uint8Array => {
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  const blockAlign = channelCount * BYTES_PER_SAMPLE;
  writeAscii(view, 0, 'RIFF');
  view.setUint32(4, riffBytes, true);
  writeAscii(view, 8, 'WAVE');
  writeAscii(view, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, BYTES_PER_SAMPLE * 8, true);
  writeAscii(view, 36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
};

/** The 44-byte header of a PCM 16-bit WAV file holding `dataBytes` bytes of samples. */
export const renderWavHeader = (fields: WavHeaderFields): Uint8Array => {
  checkFormat(fields);
  checkDataBytes(fields.dataBytes, fields.channelCount * BYTES_PER_SAMPLE);
  return fillHeader(fields, 36 + fields.dataBytes, fields.dataBytes);
};

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Native Int16 samples → little-endian bytes (a copy, so the caller may reuse its array). */
export const serializeInt16Le = (samples: Int16Array): Uint8Array => {
  const bytes = new Uint8Array(samples.length * BYTES_PER_SAMPLE);
  if (HOST_IS_LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(samples.buffer, samples.byteOffset, bytes.length));
    return bytes;
  }
  const view = new DataView(bytes.buffer);
  samples.forEach((sample, i) => view.setInt16(i * BYTES_PER_SAMPLE, sample, true));
  return bytes;
};

export type WavWriterOptions = {
  /** A lower cap than the format's own (MAX_WAV_DATA_BYTES), e.g. to split long recordings. */
  maxDataBytes?: number;
};

/** Streams samples into a sink: placeholder header, samples, then the real sizes patched in by `finish()`. */
export class WavWriter {
  private readonly sink: WavSink;
  private readonly format: WavFormat;
  private readonly maxDataBytes: number;
  private dataBytes = 0;
  private finished = false;

  private constructor(sink: WavSink, format: WavFormat, maxDataBytes: number) {
    this.sink = sink;
    this.format = format;
    this.maxDataBytes = maxDataBytes;
  }

  /** Checks the format and writes the placeholder header. */
  static async open(sink: WavSink, format: WavFormat, options: WavWriterOptions = {}): Promise<WavWriter> {
    checkFormat(format);
    const writer = new WavWriter(sink, { ...format }, Math.min(options.maxDataBytes ?? MAX_WAV_DATA_BYTES, MAX_WAV_DATA_BYTES));
    await sink.write(fillHeader(format, UNKNOWN_SIZE, UNKNOWN_SIZE));
    return writer;
  }

  /** Interleaved samples, whole frames only. Refuses (and writes nothing of) a chunk that would pass the cap. */
  async writeSamples(samples: Int16Array): Promise<void> {
    this.checkOpen();
    const total = this.dataBytes + samples.length * BYTES_PER_SAMPLE;
    checkDataBytes(total, this.format.channelCount * BYTES_PER_SAMPLE, this.maxDataBytes);
    if (samples.length === 0) {
      return;
    }
    await this.sink.write(serializeInt16Le(samples));
    this.dataBytes = total;
  }

  /** Patches the RIFF and data sizes. The writer cannot be used afterwards. */
  async finish(): Promise<WavSummary> {
    this.checkOpen();
    this.finished = true;
    await this.sink.writeAt(0, renderWavHeader({ ...this.format, dataBytes: this.dataBytes }));
    const frameCount = this.dataBytes / (this.format.channelCount * BYTES_PER_SAMPLE);
    return { dataBytes: this.dataBytes, frameCount, durationSec: frameCount / this.format.sampleRate };
  }

  private checkOpen(): void {
    assert(!this.finished, 'WavWriter used after finish()');
  }
}
