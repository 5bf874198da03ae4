/** The JSON the player reads from `reprise serve` (docs/api.md). Only the fields the player uses. */

export type SessionState = 'pending' | 'processing' | 'ready' | 'failed';
export type JobState = 'created' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | (string & {});

export type IntervalMs = { startMs: number; endMs: number };

export type JobSummary = { id: string; kind: string; state: JobState; progress: number };

export type SessionSummary = {
  id: string;
  room: string;
  plugin: string;
  title: string | null;
  startedAt: string;
  durationMs: number;
  participants: { id: string; displayName: string | null }[];
  state: SessionState;
  error: string | null;
  job: JobSummary | null;
  posterUrl: string | null;
};

export type SessionList = { total: number; items: SessionSummary[] };

export type Participant = {
  id: string;
  displayName: string | null;
  presence: IntervalMs[];
  speaking: IntervalMs[];
  speakingSource: string | null;
  tracks: { kind: string; codec: string; startMs: number; endMs: number; width?: number | null; height?: number | null }[];
};

export type Tile = { participantId: string; x: number; y: number; width: number; height: number; audioChannel: number | null };

export type TileMap = {
  width: number;
  height: number;
  /** 'per-participant-channels': tile.audioChannel is the voice's channel; 'mix': one mixed track (over 8 voices). */
  audio: 'per-participant-channels' | 'mix';
  tiles: Tile[];
};

export type SessionMedia = {
  outputId: string;
  /** processing: EVENT playlists, still growing. */
  state: 'processing' | 'ready';
  expiresAt: string;
  master: string | null;
  mosaic: string | null;
  tileMap: TileMap | null;
  thumbnails: string | null;
  download: string | null;
  poster: string | null;
  participants: { participantId: string; url: string }[];
  captions: { participantId: string; url: string }[];
};

export type JobRow = JobSummary & { attempts: number; error: string | null; createdAt: string; startedAt: string | null; finishedAt: string | null };

export type SessionDetail = Omit<SessionSummary, 'job' | 'posterUrl' | 'participants'> & {
  originUs: number;
  participants: Participant[];
  jobs: JobRow[];
  media: SessionMedia | null;
};

export type UploadResult = {
  uploadId: string;
  sessions: { id: string; participants: number; durationMs: number }[];
  files: { name: string; sizeBytes: number; sha256: string }[];
  rejected: { file: string; code: string; message: string }[];
  ignored: string[];
};

/** `GET /api/events` messages (`event: job` / `event: session`). */
export type ChangeEvent =
  | { type: 'job'; sessionId: string; job: JobSummary & { attempts: number; error: string | null } }
  | { type: 'session'; sessionId: string; session: { id: string; state: SessionState; updatedAtMs: number } };

export type SessionQuery = { q?: string; room?: string; from?: string; to?: string; limit?: number; offset?: number };
