/**
 * Runs recorded RTP packets through the real receive path, PacketSequencer then VideoDepacketizer with
 * a codec's frame builder, and returns the frames, the drop statistics and the builder's decoder config.
 */
import { VideoDepacketizer, type VideoFrame, type VideoFrameBuilder, type VideoFrameStats } from '../../src/rtp/depacketizer.js';
import { PacketSequencer } from '../../src/rtp/sequencer.js';
import { readU32Be } from '../../src/shared/bytes.js';
import { buildRtpPacket } from './mjr-writer.js';

export type PipelineResult = { frames: VideoFrame[]; stats: VideoFrameStats; decoderConfig: Uint8Array | null };

export const runVideoPipeline = (packets: readonly Uint8Array[], builder: VideoFrameBuilder): PipelineResult => {
  const sequencer = new PacketSequencer({ clockRate: 90_000 });
  const depacketizer = new VideoDepacketizer(builder);
  const frames: VideoFrame[] = [];
  const firstTimestamp = packets[0] === undefined ? 0 : readU32Be(packets[0], 4);
  for (const packet of packets) {
    const arrivalMs = Math.round(((readU32Be(packet, 4) - firstTimestamp) >>> 0) / 90);
    for (const ordered of sequencer.add(packet, arrivalMs)) {
      frames.push(...depacketizer.push(ordered));
    }
  }
  for (const ordered of sequencer.finish()) {
    frames.push(...depacketizer.push(ordered));
  }
  frames.push(...depacketizer.finish());
  return { frames, stats: depacketizer.stats, decoderConfig: builder.decoderConfig() };
};

export type PayloadFrame = { payloads: Uint8Array[]; rtpTimestamp: number };

/** RTP packets from per-frame payload lists: consecutive sequence numbers, the marker on each frame's last packet. */
export const buildRtpStream = (frames: readonly PayloadFrame[], options: { payloadType?: number; firstSequence?: number } = {}): Uint8Array[] => {
  const packets: Uint8Array[] = [];
  let sequenceNumber = options.firstSequence ?? 1000;
  for (const frame of frames) {
    frame.payloads.forEach((payload, index) => {
      packets.push(
        buildRtpPacket({
          payloadType: options.payloadType ?? 96,
          sequenceNumber: sequenceNumber++,
          timestamp: frame.rtpTimestamp,
          marker: index === frame.payloads.length - 1,
          payload,
        }),
      );
    });
  }
  return packets;
};

/** RTP payload of a packet without CSRCs, extensions or padding (as FFmpeg and buildRtpPacket send them). */
export const rtpPayloadOf = (packet: Uint8Array): Uint8Array => packet.subarray(12);
