/** POST /api/uploads: recordings or an archive of a room's recordings, as multipart/form-data. */
import type { FastifyInstance } from 'fastify';
import type { Catalog } from '../catalog/catalog.js';
import { RepriseError } from '../shared/errors.js';
import type { DataLayout } from '../service/data-layout.js';
import { ingestSession } from '../service/ingest.js';
import type { JobService } from '../service/jobs.js';
import { DEFAULT_UPLOAD_LIMITS, parseChecksums, UploadReceiver, type UploadLimits } from '../service/upload.js';
import { errorSchema, uploadResponseSchema } from './api-schemas.js';

export type UploadRoutesDeps = { catalog: Catalog; jobs: JobService; layout: DataLayout; limits?: UploadLimits };

export const registerUploadRoutes = (app: FastifyInstance, deps: UploadRoutesDeps): void => {
  const limits = deps.limits ?? DEFAULT_UPLOAD_LIMITS;
  app.post(
    '/api/uploads',
    {
      schema: {
        summary: 'Upload .mjr recordings (with .nfo) or one archive (.zip, .tar, .tar.gz) of a room',
        tags: ['uploads'],
        consumes: ['multipart/form-data'],
        response: { 201: uploadResponseSchema, 400: errorSchema, 409: errorSchema, 413: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new RepriseError('API_BAD_REQUEST', 'an upload is multipart/form-data: one or more .mjr files, or one archive');
      }
      let checksums = new Map<string, string>();
      let receiver: UploadReceiver | null = null;
      try {
        for await (const part of request.parts({ limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 10, fieldSize: 1024 * 1024 } })) {
          if (part.type === 'field') {
            if (part.fieldname === 'checksums') {
              if (receiver !== null) {
                throw new RepriseError('API_BAD_REQUEST', 'send the checksums field before the files');
              }
              checksums = parseChecksums(String(part.value));
            }
            continue;
          }
          if (receiver === null) {
            receiver = new UploadReceiver(deps.layout, limits, checksums);
            await receiver.open();
          }
          await receiver.receive({ fileName: part.filename, stream: part.file, truncated: () => part.file.truncated });
        }
        if (receiver === null) {
          throw new RepriseError('UPLOAD_EMPTY', 'the upload holds no file');
        }
        const result = await receiver.finish(async (sessionId) => (await deps.catalog.getSession(sessionId)) !== null);
        const sessions = [];
        for (const manifest of result.sessions) {
          const ingested = await ingestSession({ catalog: deps.catalog, jobs: deps.jobs }, manifest, result.folders.get(manifest.id)!, 'upload');
          for (const file of result.files.filter((entry) => manifest.participants.some((participant) => participant.tracks.some((track) => track.file === entry.name)))) {
            await deps.catalog.upsertRecording({ path: `${result.folders.get(manifest.id)!}/${file.name}`, sizeBytes: file.sizeBytes, mtimeMs: Date.now(), state: 'ingested', sha256: file.sha256, sessionId: manifest.id });
          }
          sessions.push({ id: manifest.id, participants: manifest.participants.length, durationMs: manifest.durationMs, jobId: ingested.jobId });
        }
        request.log.info({ uploadId: result.uploadId, sessions: sessions.map((session) => session.id), files: result.files.length }, 'upload ingested');
        return reply.status(201).send({ uploadId: result.uploadId, sessions, files: result.files, rejected: result.rejected, ignored: result.ignored });
      } catch (error) {
        await receiver?.discard();
        throw error;
      }
    },
  );
};
