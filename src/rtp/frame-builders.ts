/** One frame builder per video codec: a missing codec is a compile error here, not a runtime surprise. */
import { createAv1FrameBuilder } from './av1-frames.js';
import type { VideoFrameBuilder } from './depacketizer.js';
import { createH264FrameBuilder } from './h264-frames.js';
import { createH265FrameBuilder } from './h265-frames.js';
import type { VideoCodec } from './video-probe.js';
import { createVp8FrameBuilder } from './vp8-frames.js';
import { createVp9FrameBuilder } from './vp9-frames.js';

const FRAME_BUILDERS: Record<VideoCodec, () => VideoFrameBuilder> = {
  vp8: createVp8FrameBuilder,
  vp9: createVp9FrameBuilder,
  h264: createH264FrameBuilder,
  av1: createAv1FrameBuilder,
  h265: createH265FrameBuilder,
};

export const createVideoFrameBuilder = (codec: VideoCodec): VideoFrameBuilder => FRAME_BUILDERS[codec]();
