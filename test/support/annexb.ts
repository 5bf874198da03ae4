/** Length-prefixed samples (4-byte lengths) → one Annex B byte stream, for handing built frames to ffmpeg. */
import { lengthPrefixedToAnnexB } from '../../src/codec/h264.js';
import { concatBytes } from '../../src/shared/bytes.js';

export const samplesToAnnexB = (samples: readonly { data: Uint8Array }[]): Uint8Array => concatBytes(samples.map((sample) => lengthPrefixedToAnnexB(sample.data)));
