/**
 * One error type for the whole of Reprise. Every error that reaches a user carries a stable `code`
 * (SCREAMING_SNAKE with an area prefix); tests assert the code, never the message.
 */
export type ErrorCode =
  // .mjr container
  | 'MJR_EMPTY'
  | 'MJR_BAD_MAGIC'
  | 'MJR_TRUNCATED_HEADER'
  | 'MJR_HEADER_JSON'
  | 'MJR_HEADER_INVALID'
  | 'MJR_NO_PACKETS'
  | 'MJR_E2EE'
  // RTP
  | 'RTP_SHORT_PACKET'
  | 'RTP_BAD_VERSION'
  | 'RTP_BAD_PADDING'
  | 'RTP_BAD_EXTENSION'
  // codecs
  | 'CODEC_UNSUPPORTED'
  | 'CODEC_MALFORMED'
  // conversion
  | 'CONVERT_FORMAT'
  | 'CONVERT_CODEC_CONTAINER'
  | 'CONVERT_INPUTS'
  | 'CONVERT_NO_MEDIA'
  | 'CONVERT_CANCELLED'
  // composition
  | 'COMPOSE_NO_SESSION'
  | 'COMPOSE_NO_OUTPUT'
  // WAV output
  | 'WAV_BAD_FORMAT'
  | 'WAV_TOO_LARGE'
  // HLS packaging
  | 'HLS_BAD_SEGMENT'
  // files and processes
  | 'IO_NOT_FOUND'
  | 'IO_READ'
  | 'IO_WRITE'
  | 'FFMPEG_MISSING'
  | 'FFMPEG_EXIT'
  | 'FFMPEG_CANCELLED'
  | 'FFMPEG_NO_AUDIO'
  | 'FFPROBE_OUTPUT'
  // speaking activity
  | 'SPEECH_OPTIONS'
  // layouts
  | 'LAYOUT_INVALID'
  // command line
  | 'CLI_USAGE'
  // catalog database
  | 'DB_CONNECT'
  | 'DB_MIGRATION'
  | 'DB_CONFLICT'
  // jobs
  | 'JOB_CANCELLED'
  | 'JOB_FAILED'
  | 'JOB_UNKNOWN_KIND'
  | 'JOB_BUSY'
  // ingest: watched folders and uploads
  | 'INGEST_WATCH'
  | 'UPLOAD_TOO_LARGE'
  | 'UPLOAD_REJECTED'
  | 'UPLOAD_EXISTS'
  | 'UPLOAD_CHECKSUM'
  | 'UPLOAD_ARCHIVE'
  | 'UPLOAD_EMPTY'
  // HTTP API and media origin
  | 'API_UNAUTHORIZED'
  | 'API_NOT_FOUND'
  | 'API_BAD_REQUEST'
  | 'API_CONFLICT'
  | 'MEDIA_NOT_FOUND'
  | 'MEDIA_FORBIDDEN'
  | 'MEDIA_SIGNATURE_INVALID'
  | 'MEDIA_SIGNATURE_EXPIRED'
  | 'SERVER_CONFIG';

export type ErrorDetails = Record<string, string | number | boolean | null>;

export class RepriseError extends Error {
  override readonly name = 'RepriseError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetails; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

export const isRepriseError = (value: unknown): value is RepriseError => value instanceof RepriseError;

/** For conditions that can only mean a bug in Reprise, never bad input. */
export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) {
    throw new Error(`Internal error: ${message}. Please report it with the file that caused it.`);
  }
}

export const assertNever = (value: never): never => {
  throw new Error(`Internal error: unexpected value ${JSON.stringify(value)}`);
};
