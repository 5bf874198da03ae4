/**
 * Muxes built frames into an MP4 with mediabunny, the way the container layer will, so that tests can
 * check a builder's decoder configuration record (avcC, hvcC, av1C) by decoding the file with ffmpeg.
 */
import { BufferTarget, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output } from 'mediabunny';

export type Mp4VideoTrack = {
  codec: 'avc' | 'hevc' | 'vp9' | 'av1';
  /** RFC 6381 codec string, e.g. avc1.42c00a. */
  codecString: string;
  width: number;
  height: number;
  description?: Uint8Array;
  frames: readonly { data: Uint8Array; keyframe: boolean; rtpTimestamp: number }[];
};

export const muxVideoToMp4 = async (track: Mp4VideoTrack): Promise<Uint8Array> => {
  const target = new BufferTarget();
  const output = new Output({ format: new Mp4OutputFormat(), target });
  const source = new EncodedVideoPacketSource(track.codec);
  output.addVideoTrack(source);
  await output.start();
  const first = track.frames[0]?.rtpTimestamp ?? 0;
  for (const [index, frame] of track.frames.entries()) {
    const next = track.frames[index + 1]?.rtpTimestamp ?? frame.rtpTimestamp + 3000;
    const packet = new EncodedPacket(frame.data, frame.keyframe ? 'key' : 'delta', (frame.rtpTimestamp - first) / 90_000, (next - frame.rtpTimestamp) / 90_000);
    await source.add(
      packet,
      index === 0
        ? {
            decoderConfig: {
              codec: track.codecString,
              codedWidth: track.width,
              codedHeight: track.height,
              ...(track.description === undefined ? {} : { description: track.description }),
            },
          }
        : undefined,
    );
  }
  await output.finalize();
  return new Uint8Array(target.buffer!);
};

/** avc1.PPCCLL from an avcC's profile, constraint and level bytes. */
export const avcCodecString = (avcC: Uint8Array): string =>
  `avc1.${[...avcC.subarray(1, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
