/** What the fMP4 reader returns: the facts HLS packaging needs about init and media segments. */

export type TrackKind = 'video' | 'audio';

/** A track's sample defaults from its `trex` box (ISO/IEC 14496-12 §8.8.3), used when tfhd/trun omit them. */
export type SampleDefaults = { durationTicks: number; byteLength: number; flags: number };

export type InitTrack = {
  trackId: number;
  kind: TrackKind;
  /** Ticks per second of the track's media time (mdhd). */
  timescale: number;
  /** RFC 6381 codec string: `avc1.64001f`, `hvc1.1.6.L93.b0`, `mp4a.40.2`, `opus`, `flac`. */
  codec: string;
  width?: number;
  height?: number;
  channelCount?: number;
  sampleRate?: number;
  sampleDefaults: SampleDefaults;
};

export type InitSegment = { tracks: InitTrack[] };

export type SampleRange = { byteOffset: number; byteLength: number };

/** One `traf`. Byte offsets are relative to the first byte of the segment bytes given to the parser. */
export type FragmentTrack = {
  trackId: number;
  baseMediaDecodeTime: number;
  /** Sum of the sample durations of every run, in `timescale` ticks. */
  durationTicks: number;
  sampleCount: number;
  firstSampleIsKeyframe: boolean;
  /** Where the first sample's data lies; null when the fragment holds no sample of this track. */
  firstSample: SampleRange | null;
};

/** One moof/mdat pair. `mdatOffset` is the mdat box's first header byte, `mdatSize` its whole size. */
export type Fragment = { moofOffset: number; mdatOffset: number; mdatSize: number; tracks: FragmentTrack[] };

export type MediaSegment = { byteLength: number; fragments: Fragment[] };
