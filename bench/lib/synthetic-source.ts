/**
 * A synthetic VP8 source for when no real recording is at hand: 10 s at 30 fps, three ~1 kB packets per frame
 * (eight on the keyframe every 5 s), arrival times with a little jitter. About 0.75 Mbit/s, 90 packets/s:
 * the packet rate, not the bitrate, drives the cost of inspecting.
 */
import { writeFile } from 'node:fs/promises';
import { buildRtpPacket, videoHeader, vp8Payload, writeMjr, type MjrFrame } from '../../test/support/mjr-writer.js';

const FRAME_RATE = 30;
const FRAME_COUNT = 10 * FRAME_RATE;
const KEYFRAME_INTERVAL = 5 * FRAME_RATE;
const PAYLOAD_BYTES = 1000;

export const writeSyntheticVp8Source = async (path: string): Promise<void> => {
  const frames: MjrFrame[] = [];
  let sequenceNumber = 1;
  for (let frame = 0; frame < FRAME_COUNT; frame++) {
    const keyframe = frame % KEYFRAME_INTERVAL === 0;
    const packetCount = keyframe ? 8 : 3;
    for (let part = 0; part < packetCount; part++) {
      frames.push({
        arrivalOffsetMs: Math.round((frame * 1000) / FRAME_RATE) + (frame % 3),
        bytes: buildRtpPacket({
          payloadType: 96,
          sequenceNumber: sequenceNumber++,
          timestamp: frame * (90_000 / FRAME_RATE),
          marker: part === packetCount - 1,
          payload: vp8Payload({ start: part === 0, keyframe, width: 1280, height: 720, size: PAYLOAD_BYTES }),
        }),
      });
    }
  }
  await writeFile(path, writeMjr({ header: videoHeader(), frames }));
};
