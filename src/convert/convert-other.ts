/**
 * The outputs that need no media container: PCM audio (G.711, G.722, L16) to WAV, text data channels to
 * WebVTT or SRT with wall-clock cues, binary data channels to a raw file.
 */
import { renderSrt, renderWebVtt, decodeMessageText, type DataChannelMessage } from '../mux/subtitles.js';
import { WavWriter, type WavSink } from '../mux/wav.js';
import type { OutputFormat } from '../mux/formats.js';
import { RepriseError } from '../shared/errors.js';
import type { OpenedTrack } from './open-track.js';
import type { ConversionReport } from './report.js';

export type ByteSink = WavSink;

type PcmTrack = Extract<OpenedTrack, { kind: 'pcm' }>;
type DataTrack = Extract<OpenedTrack, { kind: 'data' }>;

const baseCounters = (track: OpenedTrack) => ({
  packets: track.counters.packets,
  missingPackets: track.counters.reorder.missing,
  duplicatePackets: track.counters.reorder.duplicates,
  reorderedPackets: track.counters.reorder.outOfOrder,
  timestampJumps: track.counters.timestampJumps,
  ssrcChanges: track.counters.reorder.ssrcChanges,
  skippedBytes: track.counters.skippedBytes,
});

export const convertPcm = async (track: PcmTrack, sink: ByteSink, output: string, signal?: AbortSignal): Promise<ConversionReport> => {
  const writer = await WavWriter.open(sink, { sampleRate: track.sampleRate, channelCount: 1 });
  for await (const samples of track.chunks) {
    if (signal?.aborted) {
      throw new RepriseError('CONVERT_CANCELLED', 'conversion cancelled');
    }
    await writer.writeSamples(samples);
  }
  const summary = await writer.finish();
  const firstMs = track.firstTimeMs();
  if (firstMs === null) {
    throw new RepriseError('CONVERT_NO_MEDIA', 'no audio packet in the recording');
  }
  const startUs = track.header.firstPacketUs + firstMs * 1000;
  return {
    output,
    format: 'wav',
    startUs,
    durationMs: summary.durationSec * 1000,
    retimedFrames: 0,
    tracks: [
      {
        kind: 'audio',
        codec: track.codec,
        offsetMs: 0,
        startUs,
        durationMs: summary.durationSec * 1000,
        ...baseCounters(track),
        framesWritten: track.pcmStats.packetsWritten,
        framesDropped: { overlap: track.pcmStats.droppedOverlap, payloadType: track.pcmStats.droppedPayloadType },
        gapsFilled: { frames: 0, ms: (track.pcmStats.silenceSamples * 1000) / track.sampleRate },
      },
    ],
  };
};

export const convertData = async (track: DataTrack, format: OutputFormat, sink: ByteSink, output: string): Promise<ConversionReport> => {
  const isText = track.header.codec === 'text';
  if (isText ? format !== 'webvtt' && format !== 'srt' : format !== 'raw') {
    throw new RepriseError('CONVERT_CODEC_CONTAINER', isText ? 'a text data channel converts to .vtt or .srt' : 'a binary data channel converts to a raw file (.bin)', {
      details: { format },
    });
  }
  const startUs = track.header.firstPacketUs;
  const messages: DataChannelMessage[] = [];
  let count = 0;
  let lastUs = startUs;
  for await (const message of track.messages) {
    count++;
    lastUs = Math.max(lastUs, message.timeUs);
    if (isText) {
      messages.push({ timeUs: message.timeUs, text: decodeMessageText(message.bytes) });
    } else {
      await sink.write(message.bytes);
    }
  }
  if (isText) {
    const text = format === 'webvtt' ? renderWebVtt(messages, { startUs }) : renderSrt(messages, { startUs });
    await sink.write(new TextEncoder().encode(text));
  }
  const durationMs = (lastUs - startUs) / 1000;
  return {
    output,
    format,
    startUs,
    durationMs,
    retimedFrames: 0,
    tracks: [{ kind: 'data', codec: track.header.codec, offsetMs: 0, startUs, durationMs, ...baseCounters(track), framesWritten: count, framesDropped: {}, messages: count }],
  };
};
