/**
 * JSON schemas of the API: requests are validated with them, responses serialized with them, and the OpenAPI
 * document (/api/docs) is generated from them. docs/api.md describes the same shapes for people.
 */
import { JOB_KINDS, JOB_STATES } from '../catalog/schema.js';

const nullable = (schema: Record<string, unknown>) => ({ ...schema, nullable: true });
const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const interval = { type: 'object', properties: { startMs: num, endMs: num }, required: ['startMs', 'endMs'] } as const;

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: str, message: str, details: { type: 'object', additionalProperties: true } }, required: ['code', 'message'] } },
  required: ['error'],
} as const;

export const jobSchema = {
  type: 'object',
  properties: {
    id: str,
    sessionId: str,
    kind: { type: 'string', enum: [...JOB_KINDS] },
    state: { type: 'string', enum: [...JOB_STATES] },
    progress: num,
    attempts: { type: 'integer' },
    error: nullable(str),
    createdAt: nullable(str),
    startedAt: nullable(str),
    finishedAt: nullable(str),
  },
  required: ['id', 'sessionId', 'kind', 'state', 'progress', 'attempts'],
} as const;

/** What the list and the detail both say of a session. */
const sessionHead = {
  id: str,
  room: nullable(str),
  plugin: str,
  title: nullable(str),
  startedAt: nullable(str),
  durationMs: num,
  state: str,
  error: nullable(str),
};

const participantRef = { type: 'object', properties: { id: str, displayName: nullable(str) }, required: ['id'] } as const;
const mediaLink = { type: 'object', properties: { participantId: str, url: str }, required: ['participantId', 'url'] } as const;

const tileMapSchema = nullable({
  type: 'object',
  properties: {
    width: num,
    height: num,
    audio: { type: 'string', enum: ['per-participant-channels', 'mix'] },
    tiles: {
      type: 'array',
      items: { type: 'object', properties: { participantId: str, x: num, y: num, width: num, height: num, audioChannel: nullable({ type: 'integer' }) } },
    },
  },
});

const mediaSchema = nullable({
  type: 'object',
  properties: {
    outputId: str,
    state: str,
    expiresAt: str,
    master: nullable(str),
    mosaic: nullable(str),
    tileMap: tileMapSchema,
    thumbnails: nullable(str),
    download: nullable(str),
    poster: nullable(str),
    participants: { type: 'array', items: mediaLink },
    captions: { type: 'array', items: mediaLink },
  },
});

export const sessionListSchema = {
  querystring: {
    type: 'object',
    properties: {
      q: { type: 'string', maxLength: 200 },
      room: { type: 'string', maxLength: 200 },
      from: { type: 'string', maxLength: 40 },
      to: { type: 'string', maxLength: 40 },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      offset: { type: 'integer', minimum: 0, default: 0 },
      token: str,
    },
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: {
        total: { type: 'integer' },
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              ...sessionHead,
              participants: { type: 'array', items: participantRef },
              job: nullable({ type: 'object', properties: { id: str, kind: str, state: str, progress: num } }),
              posterUrl: nullable(str),
            },
          },
        },
      },
      required: ['total', 'items'],
    },
    400: errorSchema,
  },
} as const;

export const sessionDetailSchema = {
  params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] },
  response: {
    200: {
      type: 'object',
      properties: {
        ...sessionHead,
        originUs: num,
        participants: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: str,
              displayName: nullable(str),
              presence: { type: 'array', items: interval },
              speaking: { type: 'array', items: interval },
              speakingSource: nullable(str),
              tracks: {
                type: 'array',
                items: { type: 'object', properties: { kind: str, codec: str, startMs: num, endMs: num, width: nullable(num), height: nullable(num) } },
              },
            },
          },
        },
        jobs: { type: 'array', items: jobSchema },
        media: mediaSchema,
      },
    },
    404: errorSchema,
  },
} as const;

export const uploadResponseSchema = {
  type: 'object',
  properties: {
    uploadId: str,
    sessions: { type: 'array', items: { type: 'object', properties: { id: str, participants: { type: 'integer' }, durationMs: num, jobId: nullable(str) } } },
    files: { type: 'array', items: { type: 'object', properties: { name: str, sizeBytes: num, sha256: str } } },
    rejected: { type: 'array', items: { type: 'object', properties: { file: str, code: str, message: str } } },
    ignored: { type: 'array', items: str },
  },
} as const;
