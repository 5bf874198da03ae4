/**
 * Processing jobs on pg-boss: one queue per step kind, each job a typed payload naming the session, our job row
 * and the output it fills. A pipeline is convert → compose → package → thumbnails; each finished step queues the
 * next. One pipeline per session at a time (our job rows say which is active; the queues are `stately` with the
 * session as singleton key). Workers heartbeat their job rows; a job whose worker stopped heartbeating (killed,
 * machine lost) is failed back to pg-boss by any other worker, which retries it with backoff.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type PgBoss from 'pg-boss';
import { detectSpeaking } from '../api/speaking.js';
import { ensureQueue } from '../jobs/boss.js';
import { isRepriseError, RepriseError } from '../shared/errors.js';
import type { BlobStore } from '../store/blob-store.js';
import { JOB_KINDS, nextStep, runStep, type JobKind, type StepPayload } from './steps.js';
import type { JobRecord } from '../catalog/records.js';
import type { JobStore } from './job-store.js';

export type JobServiceOptions = {
  boss: PgBoss;
  store: JobStore;
  /** Where outputs are published (the media folder's blob store). */
  media: BlobStore;
  /** Names this process in job rows (host:pid). */
  workerId: string;
  /** A running job's row is refreshed every leaseMs / 4; one not refreshed for leaseMs is taken as lost. */
  leaseMs?: number;
  retryLimit?: number;
  retryDelaySec?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
};

const ACTIVE_STATES = new Set(['queued', 'running']);

export class JobService {
  private readonly leaseMs: number;
  /** Retries with backoff, and how long a job may run: the queues' settings and every job's. */
  private readonly jobOptions: { retryLimit: number; retryDelay: number; retryBackoff: true; expireInSeconds: number };
  private readonly running = new Map<string, AbortController>();
  private sweeper: NodeJS.Timeout | null = null;
  private working = false;

  constructor(private readonly options: JobServiceOptions) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.jobOptions = { retryLimit: options.retryLimit ?? 3, retryDelay: options.retryDelaySec ?? 5, retryBackoff: true, expireInSeconds: 6 * 3600 };
  }

  /** Creates the queues (pg-boss 10 needs them before send/work). Idempotent. */
  async init(): Promise<void> {
    for (const kind of JOB_KINDS) {
      await ensureQueue(this.options.boss, kind, { policy: 'stately', ...this.jobOptions });
    }
  }

  /** Starts a pipeline for a session; JOB_BUSY when one is already queued or running. */
  async startPipeline(sessionId: string): Promise<{ jobId: string; outputId: string }> {
    const active = await this.options.store.activeJobOf(sessionId);
    if (active !== null) {
      throw new RepriseError('JOB_BUSY', `session ${sessionId} is already being processed (job ${active.id}, ${active.kind})`, { details: { jobId: active.id } });
    }
    const outputId = randomUUID();
    await this.options.store.createOutput({ id: outputId, sessionId, kind: 'hls', path: `${sessionId}/${outputId}` });
    await this.options.store.setSessionState(sessionId, 'processing');
    const jobId = await this.enqueue('convert', { sessionId, outputId, jobId: randomUUID() });
    return { jobId, outputId };
  }

  /**
   * For ingest: starts a pipeline, or — when one is running — leaves the session marked changed, and the running
   * pipeline starts another when it ends (a participant who joined late extends the session).
   */
  async requestPipeline(sessionId: string): Promise<{ jobId: string; outputId: string } | null> {
    try {
      return await this.startPipeline(sessionId);
    } catch (error) {
      if (isRepriseError(error) && error.code === 'JOB_BUSY') {
        await this.options.store.markSessionChanged(sessionId);
        return null;
      }
      throw error;
    }
  }

  async cancel(jobId: string): Promise<JobRecord> {
    const job = await this.options.store.getJob(jobId);
    if (job === null) {
      throw new RepriseError('API_NOT_FOUND', `no job ${jobId}`);
    }
    if (!ACTIVE_STATES.has(job.state)) {
      return job;
    }
    await this.options.store.updateJob(jobId, { state: 'cancelled' });
    if (job.bossJobId !== null) {
      await this.options.boss.cancel(job.kind, job.bossJobId).catch(() => undefined);
    }
    this.running.get(jobId)?.abort();
    if (job.outputId !== null) {
      await this.options.store.failOutput(job.outputId);
    }
    await this.settleSession(job.sessionId);
    return (await this.options.store.getJob(jobId))!;
  }

  /** Cancels whatever runs for a session (before it is deleted). */
  async cancelSession(sessionId: string): Promise<void> {
    const active = await this.options.store.activeJobOf(sessionId);
    if (active !== null) {
      await this.cancel(active.id);
    }
  }

  async startWorking(options: { sweepOnly?: boolean } = {}): Promise<void> {
    this.working = true;
    if (options.sweepOnly !== true) {
      for (const kind of JOB_KINDS) {
        await this.options.boss.work<StepPayload>(kind, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
          if (job !== undefined) {
            await this.handle(kind, job.data);
          }
        });
      }
    }
    const sweep = (): void => {
      void this.sweep()
        .catch((error) => this.options.log?.('sweep failed', { error: String(error) }))
        .finally(() => {
          if (this.working) {
            this.sweeper = setTimeout(sweep, Math.max(250, this.leaseMs / 2));
          }
        });
    };
    sweep();
  }

  async stopWorking(): Promise<void> {
    this.working = false;
    if (this.sweeper !== null) {
      clearTimeout(this.sweeper);
    }
    for (const kind of JOB_KINDS) {
      await this.options.boss.offWork(kind).catch(() => undefined);
    }
    for (const controller of this.running.values()) {
      controller.abort();
    }
  }

  /** Fails back to pg-boss the jobs whose worker stopped heartbeating: pg-boss retries them (with backoff). */
  async sweep(): Promise<number> {
    const stale = await this.options.store.staleRunningJobs(this.leaseMs);
    for (const job of stale) {
      this.options.log?.('job lost by its worker: retrying', { jobId: job.id, kind: job.kind, workerId: job.workerId });
      await this.options.store.updateJob(job.id, { state: 'queued', error: `worker ${job.workerId ?? '?'} stopped answering during attempt ${job.attempts}` });
      if (job.bossJobId !== null) {
        await this.options.boss.fail(job.kind, job.bossJobId, { reason: 'worker lost' });
      }
    }
    await this.reconcileQueued();
    return stale.length;
  }

  /**
   * A job the catalog still calls queued, but that the queue will never deliver (the queue failed it for good
   * after its last retry, or the process died between the catalog row and the queue's): failed here, so the
   * session settles and can be processed again instead of staying busy for ever.
   */
  private async reconcileQueued(): Promise<void> {
    for (const job of await this.options.store.idleQueuedJobs(this.leaseMs * 2)) {
      const queued = job.bossJobId === null ? null : await this.options.boss.getJobById(job.kind, job.bossJobId, { includeArchive: true });
      if (queued !== null && (queued.state === 'created' || queued.state === 'retry' || queued.state === 'active')) {
        continue;
      }
      this.options.log?.('job lost by the queue: failed', { jobId: job.id, kind: job.kind, queueState: queued?.state ?? 'missing' });
      await this.options.store.updateJob(job.id, { state: 'failed', error: `${job.error === null ? '' : `${job.error}; `}the queue holds it no more (${queued?.state ?? 'missing'})` });
      if (job.outputId !== null) {
        await this.options.store.failOutput(job.outputId);
      }
      await this.settleSession(job.sessionId);
    }
  }

  private async enqueue(kind: JobKind, payload: StepPayload): Promise<string> {
    try {
      await this.options.store.createJob({ id: payload.jobId, sessionId: payload.sessionId, kind, outputId: payload.outputId, payload });
    } catch (error) {
      // The catalog allows one active job per session (a unique index): a concurrent start lost the race.
      if (isRepriseError(error) && error.code === 'DB_CONFLICT') {
        throw new RepriseError('JOB_BUSY', `session ${payload.sessionId} is already being processed`, { cause: error });
      }
      throw error;
    }
    const bossJobId = await this.options.boss.send(kind, payload, { singletonKey: payload.sessionId, ...this.jobOptions });
    if (bossJobId === null) {
      await this.options.store.updateJob(payload.jobId, { state: 'failed', error: 'the queue refused the job: another one of this session is queued' });
      throw new RepriseError('JOB_BUSY', `a ${kind} job of session ${payload.sessionId} is already queued`);
    }
    await this.options.store.updateJob(payload.jobId, { bossJobId });
    return payload.jobId;
  }

  /** The folder ffmpeg and the steps write an output into: the media store's own, for a file-system store. */
  private outputFolder(sessionId: string, outputId: string): string {
    const folder = this.options.media.localFolder(`${sessionId}/${outputId}/`);
    if (folder === null) {
      throw new RepriseError('SERVER_CONFIG', `the media store ${this.options.media.description} has no local folders: processing into it needs a staging folder and an upload step, not built yet`);
    }
    return folder;
  }

  private async renewOutput(payload: StepPayload): Promise<StepPayload> {
    const store = this.options.store;
    const outputId = randomUUID();
    const oldDir = this.outputFolder(payload.sessionId, payload.outputId);
    const newDir = this.outputFolder(payload.sessionId, outputId);
    await store.createOutput({ id: outputId, sessionId: payload.sessionId, kind: 'hls', path: `${payload.sessionId}/${outputId}` });
    await mkdir(newDir, { recursive: true });
    await rename(join(oldDir, 'participants'), join(newDir, 'participants')).catch(() => undefined);
    await store.failOutput(payload.outputId);
    await this.options.media.removePrefix(`${payload.sessionId}/${payload.outputId}/`);
    const renewed = { ...payload, outputId };
    await store.updateJob(payload.jobId, { outputId, payload: renewed });
    this.options.log?.('composition restarted under a new output', { jobId: payload.jobId, from: payload.outputId, to: outputId });
    return renewed;
  }

  private async handle(kind: JobKind, initialPayload: StepPayload): Promise<void> {
    let payload = initialPayload;
    const store = this.options.store;
    const row = await store.getJob(payload.jobId);
    if (row === null || row.state === 'cancelled' || row.state === 'completed') {
      return;
    }
    // The row holds the payload as it stands (a retried composition moves to a new output); the queue's copy is the first.
    payload = { ...initialPayload, ...(row.payload as Partial<StepPayload>) };
    const session = await store.loadSessionForJob(payload.sessionId);
    if (session === null) {
      await store.updateJob(payload.jobId, { state: 'cancelled', error: 'the session was deleted' });
      return;
    }
    if (kind === 'compose' && row.attempts > 0) {
      // A composition that ran before (its worker died) may have published segments that players cached as
      // immutable: the new attempt gets a new output (new URLs), never new bytes under an old URL.
      payload = await this.renewOutput(payload);
    }
    const controller = new AbortController();
    this.running.set(payload.jobId, controller);
    let progress = 0;
    await store.updateJob(payload.jobId, { state: 'running', attempts: row.attempts + 1, workerId: this.options.workerId, error: null });
    const heartbeat = setInterval(() => {
      void store
        .heartbeat(payload.jobId, this.options.workerId, progress)
        .then((state) => {
          if (state === 'cancelled') {
            controller.abort();
          }
        })
        .catch(() => undefined);
    }, Math.max(100, this.leaseMs / 4));
    try {
      let manifest = session.manifest;
      if (kind === 'convert' && manifest.participants.every((participant) => participant.speakingSource === null)) {
        manifest = await detectSpeaking(manifest, session.sourceDir, controller.signal);
        await store.saveSpeaking(manifest);
      }
      const outputDir = this.outputFolder(payload.sessionId, payload.outputId);
      await runStep(kind, { manifest, sourceDir: session.sourceDir, outputDir, signal: controller.signal, onProgress: (fraction) => (progress = fraction) });
      const current = await store.getJob(payload.jobId);
      if (current?.state === 'cancelled' || current?.workerId !== this.options.workerId) {
        return;
      }
      if (kind === 'package') {
        const earlier = (await store.outputsOf(payload.sessionId)).filter((output) => output.kind === 'hls' && output.state === 'ready' && output.id !== payload.outputId);
        await store.publishOutput(payload.outputId);
        // Players on the earlier output keep what they buffered; new ones get the new output's URLs.
        for (const output of earlier) {
          await this.options.media.removePrefix(`${output.path}/`);
        }
      }
      await store.updateJob(payload.jobId, { state: 'completed', progress: 1 });
      const next = nextStep(kind);
      if (next !== null) {
        await this.enqueue(next, { ...payload, jobId: randomUUID() });
        return;
      }
      await this.settleSession(payload.sessionId);
      if (await store.sessionChangedSince(payload.sessionId, session.loadedAtMs)) {
        await this.requestPipeline(payload.sessionId);
      }
    } catch (error) {
      const current = await store.getJob(payload.jobId);
      if (current?.state === 'cancelled') {
        return;
      }
      const attempts = current?.attempts ?? row.attempts + 1;
      const final = attempts > this.jobOptions.retryLimit;
      const message = isRepriseError(error) ? `${error.code}: ${error.message}` : String(error);
      await store.updateJob(payload.jobId, { state: final ? 'failed' : 'queued', error: message });
      if (final) {
        await store.failOutput(payload.outputId);
        await this.settleSession(payload.sessionId);
      }
      this.options.log?.('job failed', { jobId: payload.jobId, kind, attempts, final, error: message });
      throw error;
    } finally {
      clearInterval(heartbeat);
      this.running.delete(payload.jobId);
    }
  }

  /** A session with no active job is ready when it has a published output, else failed (or pending). */
  private async settleSession(sessionId: string): Promise<void> {
    if ((await this.options.store.activeJobOf(sessionId)) !== null) {
      return;
    }
    const outputs = await this.options.store.outputsOf(sessionId);
    await this.options.store.setSessionState(sessionId, outputs.some((output) => output.kind === 'hls' && output.state === 'ready') ? 'ready' : 'failed');
  }
}

