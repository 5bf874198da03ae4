/** Coded errors → HTTP answers: one JSON shape, `{ error: { code, message, details } }`, and a fixed status per code. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isRepriseError, type ErrorCode } from '../shared/errors.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  API_UNAUTHORIZED: 401,
  API_NOT_FOUND: 404,
  API_BAD_REQUEST: 400,
  API_CONFLICT: 409,
  JOB_BUSY: 409,
  UPLOAD_EXISTS: 409,
  UPLOAD_TOO_LARGE: 413,
  UPLOAD_REJECTED: 422,
  UPLOAD_EMPTY: 422,
  UPLOAD_ARCHIVE: 422,
  UPLOAD_CHECKSUM: 422,
  MEDIA_NOT_FOUND: 404,
  MEDIA_FORBIDDEN: 403,
  MEDIA_SIGNATURE_INVALID: 403,
  MEDIA_SIGNATURE_EXPIRED: 403,
  MJR_BAD_MAGIC: 422,
  MJR_EMPTY: 422,
  IO_NOT_FOUND: 404,
};

export const statusOf = (code: ErrorCode): number => STATUS[code] ?? 500;

export type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

export const errorHandler = (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
  if (isRepriseError(error)) {
    const status = statusOf(error.code);
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
    }
    void reply.status(status).send({ error: { code: error.code, message: error.message, details: error.details } } satisfies ErrorBody);
    return;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation !== undefined) {
    void reply.status(400).send({ error: { code: 'API_BAD_REQUEST', message: fastifyError.message } } satisfies ErrorBody);
    return;
  }
  if (fastifyError.code === 'FST_REQ_FILE_TOO_LARGE' || fastifyError.code === 'FST_FILES_LIMIT' || fastifyError.code === 'FST_PARTS_LIMIT' || fastifyError.statusCode === 413) {
    void reply.status(413).send({ error: { code: 'UPLOAD_TOO_LARGE', message: fastifyError.message } } satisfies ErrorBody);
    return;
  }
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    void reply.status(fastifyError.statusCode).send({ error: { code: 'API_BAD_REQUEST', message: fastifyError.message } } satisfies ErrorBody);
    return;
  }
  request.log.error({ err: error }, 'request failed');
  void reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error: see the server log' } } satisfies ErrorBody);
};
