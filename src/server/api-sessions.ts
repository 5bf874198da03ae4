/** /api/sessions and /api/jobs: list, search, detail (with signed media URLs), delete, start and cancel jobs. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Catalog } from '../catalog/catalog.js';
import type { BlobStore } from '../store/blob-store.js';
import type { JobRecord, OutputRecord, SessionDetail } from '../catalog/records.js';
import { signMediaPath } from '../http/signing.js';
import type { TileMap } from '../sessions/manifest.js';
import { RepriseError } from '../shared/errors.js';
import type { DataLayout } from '../service/data-layout.js';
import type { JobService } from '../service/jobs.js';
import { jobSchema, sessionDetailSchema, sessionListSchema, errorSchema } from './api-schemas.js';

export type SessionRoutesDeps = {
  catalog: Catalog;
  jobs: JobService;
  layout: DataLayout;
  media: BlobStore;
  mediaSecret: Buffer;
  /** How long signed media URLs stay valid (default 6 h). */
  mediaUrlTtlSec?: number;
  now?: () => number;
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const jobView = (job: JobRecord) => ({
  id: job.id,
  sessionId: job.sessionId,
  kind: job.kind,
  state: job.state,
  progress: job.progress,
  attempts: job.attempts,
  error: job.error,
  createdAt: iso(job.createdAtMs),
  startedAt: iso(job.startedAtMs),
  finishedAt: iso(job.finishedAtMs),
});

/** The output a player should watch: the newest ready one, else the one being composed. */
const watchedOutput = (outputs: readonly OutputRecord[]): OutputRecord | null =>
  outputs.find((output) => output.kind === 'hls' && output.state === 'ready') ?? outputs.find((output) => output.kind === 'hls' && output.state === 'processing') ?? null;

export const registerSessionRoutes = (app: FastifyInstance, deps: SessionRoutesDeps): void => {
  const { catalog, jobs, layout } = deps;
  const now = deps.now ?? Date.now;
  const ttlSec = deps.mediaUrlTtlSec ?? 6 * 3600;

  /** Signed URLs into the output a player should watch, for the files that exist; null before there is one. */
  const signerFor = (detail: SessionDetail) => {
    const output = watchedOutput(detail.outputs);
    if (output === null) {
      return null;
    }
    const sessionId = detail.session.id;
    const outputId = output.path.split('/').at(-1)!;
    const base = `${sessionId}/${outputId}`;
    const expiresAtSec = Math.floor(now() / 1000) + ttlSec;
    const sign = (path: string): string => signMediaPath({ sessionId, expiresAtSec, secret: deps.mediaSecret, path: `${outputId}/${path}` });
    const signIfExists = async (path: string): Promise<string | null> => ((await deps.media.stat(`${base}/${path}`)) === null ? null : sign(path));
    return { output, outputId, base, expiresAtSec, sign, signIfExists };
  };

  const mediaOf = async (detail: SessionDetail) => {
    const signer = signerFor(detail);
    if (signer === null) {
      return null;
    }
    const { output, outputId, base, expiresAtSec, sign, signIfExists } = signer;
    const sessionJson = await deps.media.readText(`${base}/hls/session.json`);
    const tileMap = sessionJson === null ? null : ((JSON.parse(sessionJson) as { tileMap?: TileMap | null }).tileMap ?? null);
    const outputsJson = await deps.media.readText(`${base}/outputs.json`);
    const participantFiles = outputsJson === null ? [] : (JSON.parse(outputsJson) as { files: Array<{ path: string }> }).files.map((file) => file.path).filter((path) => path.startsWith('participants/'));
    const byParticipant = (suffix: RegExp) =>
      detail.participants.flatMap((participant) => {
        const base = participant.participantId.replace(/[^A-Za-z0-9._-]+/g, '_');
        return participantFiles
          .filter((path) => path.startsWith(`participants/${base}`) && suffix.test(path))
          .map((path) => ({ participantId: participant.participantId, url: sign(path) }));
      });
    return {
      outputId,
      state: output.state,
      expiresAt: new Date(expiresAtSec * 1000).toISOString(),
      master: await signIfExists('hls/master.m3u8'),
      mosaic: await signIfExists('hls/mosaic.m3u8'),
      tileMap,
      thumbnails: await signIfExists('hls/thumbs/thumbnails.vtt'),
      download: await signIfExists('hls/download.mp4'),
      poster: await signIfExists('poster.jpg'),
      participants: byParticipant(/\.(webm|ogg)$/),
      captions: byParticipant(/\.vtt$/),
    };
  };

  app.get('/api/sessions', { schema: { summary: 'List and search sessions', tags: ['sessions'], ...sessionListSchema } }, async (request) => {
    const query = request.query as { q?: string; room?: string; from?: string; to?: string; limit?: number; offset?: number };
    const dateMs = (value: string | undefined, name: string): number | undefined => {
      if (value === undefined) {
        return undefined;
      }
      const parsed = Date.parse(value);
      if (Number.isNaN(parsed)) {
        throw new RepriseError('API_BAD_REQUEST', `${name} must be an ISO date, not ${JSON.stringify(value)}`);
      }
      return parsed;
    };
    const fromMs = dateMs(query.from, 'from');
    const toMs = dateMs(query.to, 'to');
    const page = await catalog.listSessions({
      ...(query.q === undefined ? {} : { query: query.q }),
      ...(query.room === undefined ? {} : { room: query.room }),
      ...(fromMs === undefined ? {} : { fromMs }),
      ...(toMs === undefined ? {} : { toMs }),
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    });
    const items = [];
    for (const summary of page.items) {
      const detail = await catalog.getSession(summary.id);
      // Only the poster: the rest of the media is the detail's business.
      const posterUrl = detail === null ? null : ((await signerFor(detail)?.signIfExists('poster.jpg')) ?? null);
      const active = detail?.jobs.find((job) => job.state === 'queued' || job.state === 'running') ?? null;
      items.push({
        id: summary.id,
        room: summary.room,
        plugin: summary.kind,
        title: summary.title,
        startedAt: iso(summary.startedAtMs),
        durationMs: summary.durationMs,
        participants: (detail?.participants ?? []).map((participant) => ({ id: participant.participantId, displayName: participant.displayName })),
        state: summary.state,
        error: summary.error,
        job: active === null ? null : { id: active.id, kind: active.kind, state: active.state, progress: active.progress },
        posterUrl,
      });
    }
    return { total: page.total, items };
  });

  app.get('/api/sessions/:id', { schema: { summary: 'A session: participants, tracks, speaking, jobs, signed media URLs', tags: ['sessions'], ...sessionDetailSchema } }, async (request) => {
    const { id } = request.params as { id: string };
    const detail = await catalog.getSession(id);
    if (detail === null) {
      throw new RepriseError('API_NOT_FOUND', `no session ${id}`);
    }
    const { session } = detail;
    return {
      id: session.id,
      room: session.room,
      plugin: session.kind,
      title: session.title,
      startedAt: iso(session.startedAtMs),
      durationMs: session.durationMs,
      originUs: session.originUs,
      state: session.state,
      error: session.error,
      participants: detail.participants.map((participant) => ({
        id: participant.participantId,
        displayName: participant.displayName,
        presence: participant.intervals,
        speaking: participant.speaking,
        speakingSource: session.manifest.participants.find((entry) => entry.id === participant.participantId)?.speakingSource ?? null,
        tracks: detail.tracks
          .filter((track) => track.participantId === participant.participantId)
          .map((track) => {
            const described = session.manifest.participants.flatMap((entry) => entry.tracks).find((entry) => entry.file === track.file);
            return { kind: track.kind, codec: track.codec, startMs: track.startMs, endMs: track.endMs, width: described?.width ?? null, height: described?.height ?? null };
          }),
      })),
      jobs: detail.jobs.map(jobView),
      media: await mediaOf(detail),
    };
  });

  app.delete('/api/sessions/:id', { schema: { summary: 'Delete a session with its media and uploaded recordings', tags: ['sessions'], params: idParams, response: { 204: { type: 'null' }, 404: errorSchema } } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const detail = await catalog.getSession(id);
    if (detail === null) {
      throw new RepriseError('API_NOT_FOUND', `no session ${id}`);
    }
    await jobs.cancelSession(id);
    await catalog.deleteSession(id);
    await catalog.rememberDeleted(id);
    await deps.media.removePrefix(`${id}/`);
    // Recordings we received (uploads) go with it; a watched Janus folder belongs to its owner and is left alone.
    if (detail.session.sourceDir === join(layout.recordingsDir, id)) {
      await rm(detail.session.sourceDir, { recursive: true, force: true });
    }
    return reply.status(204).send();
  });

  app.post('/api/sessions/:id/jobs', { schema: { summary: 'Process a session again (convert → compose → package → thumbnails)', tags: ['jobs'], params: idParams, response: { 202: { type: 'object', properties: { jobId: { type: 'string' }, outputId: { type: 'string' } } }, 404: errorSchema, 409: errorSchema } } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if ((await catalog.getSession(id)) === null) {
      throw new RepriseError('API_NOT_FOUND', `no session ${id}`);
    }
    return reply.status(202).send(await jobs.startPipeline(id));
  });

  app.get('/api/jobs/:id', { schema: { summary: 'A job', tags: ['jobs'], params: idParams, response: { 200: jobSchema, 404: errorSchema } } }, async (request) => {
    const { id } = request.params as { id: string };
    const job = await catalog.getJob(id);
    if (job === null) {
      throw new RepriseError('API_NOT_FOUND', `no job ${id}`);
    }
    return jobView(job);
  });

  app.post('/api/jobs/:id/cancel', { schema: { summary: 'Cancel a job (and the rest of its pipeline)', tags: ['jobs'], params: idParams, response: { 200: jobSchema, 404: errorSchema } } }, async (request) => {
    const { id } = request.params as { id: string };
    if ((await catalog.getJob(id)) === null) {
      throw new RepriseError('API_NOT_FOUND', `no job ${id}`);
    }
    await jobs.cancel(id);
    return jobView((await catalog.getJob(id))!);
  });
};

const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } as const;
