/**
 * Server-sent events: job progress and session state pushed to players and the library. Workers may run on
 * other machines, so changes are read from the catalog (one poll per server, shared by every client), not from
 * this process's memory.
 */
import type { FastifyInstance } from 'fastify';

export type ChangeEvent =
  | { type: 'job'; sessionId: string; job: { id: string; kind: string; state: string; progress: number; attempts: number; error: string | null } }
  | { type: 'session'; sessionId: string; session: { id: string; state: string; updatedAtMs: number } };

export type ChangePoller = (sinceMs: number) => Promise<{ events: ChangeEvent[]; untilMs: number }>;

type Listener = (event: ChangeEvent) => void;

export class EventHub {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | null = null;
  private sinceMs = Date.now();
  private readonly lastSent = new Map<string, string>();

  constructor(
    private readonly poll: ChangePoller,
    private readonly intervalMs = 500,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.timer === null) {
      this.sinceMs = Date.now() - this.intervalMs;
      this.schedule();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== null) {
        clearTimeout(this.timer);
        this.timer = null;
      }
    };
  }

  stop(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.listeners.clear();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.tick().finally(() => {
        if (this.timer !== null && this.listeners.size > 0) {
          this.schedule();
        }
      });
    }, this.intervalMs);
  }

  private async tick(): Promise<void> {
    try {
      const { events, untilMs } = await this.poll(this.sinceMs);
      // Rows changed in the same millisecond as the last poll are read again: send only real changes.
      this.sinceMs = untilMs - 1;
      for (const event of events) {
        const key = event.type === 'job' ? `job:${event.job.id}` : `session:${event.sessionId}`;
        const body = JSON.stringify(event);
        if (this.lastSent.get(key) === body) {
          continue;
        }
        this.lastSent.set(key, body);
        for (const listener of this.listeners) {
          listener(event);
        }
      }
      if (this.lastSent.size > 10_000) {
        this.lastSent.clear();
      }
    } catch {
      // The catalog is unreachable for a moment: the next poll catches up from the same point.
    }
  }
}

/** GET /api/events[?session=<id>]: an event stream (text/event-stream), with a comment every 15 s to keep it open. */
export const registerEventRoute = (app: FastifyInstance, hub: EventHub): void => {
  app.get(
    '/api/events',
    {
      schema: {
        summary: 'Job progress and session state as server-sent events',
        tags: ['events'],
        querystring: { type: 'object', properties: { session: { type: 'string', maxLength: 200 }, token: { type: 'string' } }, additionalProperties: false },
      },
    },
    (request, reply) => {
      const sessionId = (request.query as { session?: string }).session;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 2000\n\n');
      const unsubscribe = hub.subscribe((event) => {
        if (sessionId === undefined || event.sessionId === sessionId) {
          raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        }
      });
      const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
      const close = (): void => {
        clearInterval(keepAlive);
        unsubscribe();
      };
      request.raw.on('close', close);
      raw.on('close', close);
    },
  );
};
