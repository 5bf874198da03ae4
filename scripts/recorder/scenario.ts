/**
 * The recordings we make, as data. Times are offsets from the start of a run (t0 = the moment the
 * first publisher is told to join), in milliseconds.
 */
export type VideoCodec = 'vp8' | 'vp9' | 'h264' | 'av1';

export type Participant = {
  /** Short name used for files and logs. */
  name: string;
  /** VideoRoom display name. */
  display: string;
  /** VideoRoom publisher id: makes the .mjr names predictable (`...-user-<publisherId>-...`). */
  publisherId: number;
  /** Pitch of the beep at each whole second of this participant's fake audio. */
  pitchHz: number;
  /** Background colour of the fake video, so participants are told apart at a glance. */
  color: string;
  joinAtMs: number;
  /** null: stays until the end of the run. */
  leaveAtMs: number | null;
  /** Opens a data channel and sends "hello N" every `dataIntervalMs`. */
  sendsData: boolean;
};

export type RecordingPlan = {
  /** Sub-folder of the output folder ('' for the main meeting). */
  folder: string;
  room: number;
  videoCodec: VideoCodec;
  endAtMs: number;
  dataIntervalMs: number;
  participants: Participant[];
};

const alice: Participant = {
  name: 'alice',
  display: 'Alice (500 Hz)',
  publisherId: 1001,
  pitchHz: 500,
  color: 'navy',
  joinAtMs: 0,
  leaveAtMs: null,
  sendsData: true,
};

const bob: Participant = {
  name: 'bob',
  display: 'Bob (800 Hz)',
  publisherId: 1002,
  pitchHz: 800,
  color: 'darkgreen',
  joinAtMs: 3_000,
  leaveAtMs: 14_000,
  sendsData: false,
};

const carol: Participant = {
  name: 'carol',
  display: 'Carol (1250 Hz)',
  publisherId: 1003,
  pitchHz: 1250,
  color: 'maroon',
  joinAtMs: 6_000,
  leaveAtMs: null,
  sendsData: false,
};

/** Three publishers, staggered joins, one early leave, one data channel. */
export const MEETING_PLAN: RecordingPlan = {
  folder: '',
  room: 1234,
  videoCodec: 'vp8',
  endAtMs: 22_000,
  dataIntervalMs: 2_000,
  participants: [alice, bob, carol],
};

const codecRooms: Record<Exclude<VideoCodec, 'vp8'>, number> = { vp9: 1235, h264: 1236, av1: 1237 };

/** One short single-publisher run per extra video codec. */
export const CODEC_PLANS: RecordingPlan[] = Object.entries(codecRooms).map(([codec, room]) => ({
  folder: codec,
  room,
  videoCodec: codec as VideoCodec,
  endAtMs: 8_000,
  dataIntervalMs: 2_000,
  participants: [{ ...alice, sendsData: false }],
}));

export const ALL_PLANS: RecordingPlan[] = [MEETING_PLAN, ...CODEC_PLANS];

/** Longest time a participant's fake media must cover: browser start-up plus its time in the run. */
export const computeFakeMediaDurationSec = (plans: readonly RecordingPlan[], startupMarginMs: number): number =>
  Math.ceil((Math.max(...plans.map((plan) => plan.endAtMs)) + startupMarginMs) / 1000);
