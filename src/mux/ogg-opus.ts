/**
 * Ogg Opus writer (RFC 3533 pages, RFC 7845 mapping). One logical stream: the OpusHead page, the OpusTags
 * page(s), then audio pages of up to ~1 s. Each page's granule position is the sample count (48 kHz) at the
 * end of its last completed packet, plus the pre-skip. Pure: pages out as bytes, through a sink.
 */

export type OggSink = { write(bytes: Uint8Array): Promise<void> };

export type OggOpusOptions = {
  opusHead: Uint8Array;
  /** Vorbis-comment style tags (RFC 7845 §5.2), e.g. { COMMENT: headerJson, DATE: isoDate }. */
  tags?: Record<string, string>;
  vendor?: string;
  serialNumber?: number;
  /** A page is closed once it holds this much audio. */
  maximumPageSamples?: number;
};

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let index = 0; index < 256; index++) {
    let value = index << 24;
    for (let bit = 0; bit < 8; bit++) {
      value = value & 0x8000_0000 ? (value << 1) ^ 0x04c1_1db7 : value << 1;
    }
    table[index] = value >>> 0;
  }
  return table;
})();

/** The Ogg CRC: polynomial 0x04c11db7, initial value 0, no reflection, no final xor (RFC 3533 §6). */
export const oggCrc32 = (bytes: Uint8Array): number => {
  let crc = 0;
  for (const byte of bytes) {
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc;
};

const HEADER_TYPE_CONTINUED = 0x01;
const HEADER_TYPE_BOS = 0x02;
const HEADER_TYPE_EOS = 0x04;
const MAX_SEGMENTS = 255;

/** One page: 27-byte header, segment table, body (RFC 3533 §6). */
export const renderOggPage = (page: { headerType: number; granulePosition: bigint; serialNumber: number; sequenceNumber: number; segments: number[]; body: Uint8Array }): Uint8Array => {
  const bytes = new Uint8Array(27 + page.segments.length + page.body.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
  bytes[4] = 0;
  bytes[5] = page.headerType;
  view.setBigInt64(6, page.granulePosition, true);
  view.setUint32(14, page.serialNumber, true);
  view.setUint32(18, page.sequenceNumber, true);
  bytes[26] = page.segments.length;
  bytes.set(page.segments, 27);
  bytes.set(page.body, 27 + page.segments.length);
  view.setUint32(22, oggCrc32(bytes), true);
  return bytes;
};

/** Lacing values of one packet: 255s, then the remainder (0 when the length is a multiple of 255). */
const lacingOf = (length: number): number[] => {
  const values = new Array<number>(Math.floor(length / 255)).fill(255);
  values.push(length % 255);
  return values;
};

export const renderOpusTags = (vendor: string, tags: Record<string, string>): Uint8Array => {
  const encoder = new TextEncoder();
  const vendorBytes = encoder.encode(vendor);
  const comments = Object.entries(tags).map(([key, value]) => encoder.encode(`${key}=${value}`));
  const bytes = new Uint8Array(8 + 4 + vendorBytes.length + 4 + comments.reduce((sum, comment) => sum + 4 + comment.length, 0));
  const view = new DataView(bytes.buffer);
  bytes.set(encoder.encode('OpusTags'), 0);
  view.setUint32(8, vendorBytes.length, true);
  bytes.set(vendorBytes, 12);
  let offset = 12 + vendorBytes.length;
  view.setUint32(offset, comments.length, true);
  offset += 4;
  for (const comment of comments) {
    view.setUint32(offset, comment.length, true);
    bytes.set(comment, offset + 4);
    offset += 4 + comment.length;
  }
  return bytes;
};

export class OggOpusWriter {
  private sequenceNumber = 0;
  private readonly serialNumber: number;
  private readonly preSkip: number;
  private readonly maximumPageSamples: number;
  private pending: { segments: number[]; parts: Uint8Array[]; samples: number } = { segments: [], parts: [], samples: 0 };
  private granule = 0n;

  private constructor(private readonly sink: OggSink, options: OggOpusOptions) {
    this.serialNumber = options.serialNumber ?? 0x5265_7072; // "Repr"
    this.preSkip = options.opusHead[10]! | (options.opusHead[11]! << 8);
    this.granule = BigInt(this.preSkip);
    this.maximumPageSamples = options.maximumPageSamples ?? 48_000;
  }

  static async open(sink: OggSink, options: OggOpusOptions): Promise<OggOpusWriter> {
    const writer = new OggOpusWriter(sink, options);
    await writer.writeHeaderPacket(options.opusHead, HEADER_TYPE_BOS);
    await writer.writeHeaderPacket(renderOpusTags(options.vendor ?? 'Reprise', options.tags ?? {}), 0);
    return writer;
  }

  /** Appends one Opus packet lasting `samples` (48 kHz). */
  async writePacket(packet: Uint8Array, samples: number): Promise<void> {
    const lacing = lacingOf(packet.length);
    if (this.pending.segments.length + lacing.length > MAX_SEGMENTS) {
      await this.flushPage(0);
    }
    this.pending.segments.push(...lacing);
    this.pending.parts.push(packet);
    this.pending.samples += samples;
    this.granule += BigInt(samples);
    if (this.pending.samples >= this.maximumPageSamples) {
      await this.flushPage(0);
    }
  }

  async finish(): Promise<void> {
    await this.flushPage(HEADER_TYPE_EOS, true);
  }

  private async flushPage(headerType: number, force = false): Promise<void> {
    if (this.pending.segments.length === 0 && !force) {
      return;
    }
    const body = new Uint8Array(this.pending.parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of this.pending.parts) {
      body.set(part, offset);
      offset += part.length;
    }
    await this.sink.write(
      renderOggPage({ headerType, granulePosition: this.granule, serialNumber: this.serialNumber, sequenceNumber: this.sequenceNumber++, segments: this.pending.segments, body }),
    );
    this.pending = { segments: [], parts: [], samples: 0 };
  }

  /** Header packets (OpusHead, OpusTags) each on their own pages, granule 0; long ones span pages. */
  private async writeHeaderPacket(packet: Uint8Array, firstHeaderType: number): Promise<void> {
    const lacing = lacingOf(packet.length);
    let start = 0;
    let consumed = 0;
    let headerType = firstHeaderType;
    while (start < lacing.length) {
      const segments = lacing.slice(start, start + MAX_SEGMENTS);
      const length = segments.reduce((sum, value) => sum + value, 0);
      const ends = start + segments.length >= lacing.length;
      await this.sink.write(
        renderOggPage({
          headerType,
          granulePosition: ends ? 0n : -1n,
          serialNumber: this.serialNumber,
          sequenceNumber: this.sequenceNumber++,
          segments,
          body: packet.subarray(consumed, consumed + length),
        }),
      );
      consumed += length;
      start += segments.length;
      headerType = HEADER_TYPE_CONTINUED;
    }
  }
}

/** The audio side of MediaWriter's interface over an Ogg Opus stream: continuous packets, durations in seconds. */
export class OggAudioWriter {
  retimedFrames = 0;

  private constructor(private readonly writer: OggOpusWriter) {}

  static async open(sink: OggSink, options: OggOpusOptions): Promise<OggAudioWriter> {
    return new OggAudioWriter(await OggOpusWriter.open(sink, options));
  }

  async writeAudio(frame: { data: Uint8Array; durationSec: number }): Promise<void> {
    await this.writer.writePacket(frame.data, Math.round(frame.durationSec * 48_000));
  }

  async finish(): Promise<void> {
    await this.writer.finish();
  }

  async cancel(): Promise<void> {
    // Nothing buffered beyond the current page; the caller removes the partial file.
  }
}
