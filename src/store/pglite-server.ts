/**
 * Serves one PGlite database over the PostgreSQL wire protocol on 127.0.0.1, so that `pg`, Kysely and pg-boss
 * connect to it as to any server. PGlite is a single backend session: every connection shares it, so the
 * connections' messages must take turns.
 *
 * pglite-socket 0.2.17's own server (`PGLiteSocketServer`) takes turns per *message* and only keeps a
 * connection in charge while a transaction block is open. That is not enough for the extended query protocol:
 * `pg` sends every parameterised query as Parse/Bind/Describe/Execute/Sync, the unnamed statement and portal
 * live in the shared session until Sync, and a message that spans two TCP reads (any parameter over ~64 KiB,
 * such as a session manifest) lets another connection's Parse in between: the first connection then binds the
 * other's statement ("bind message supplies 2 parameters, but prepared statement "" requires 1", or silently
 * the wrong statement). Its queue also stops for good if PGlite throws once.
 * See https://github.com/electric-sql/pglite/issues/1046 (open at the time of writing). Seen with pg-boss: its
 * workers polling beside a Kysely insert of a 200 kB value made the insert fail with `invalid input syntax for
 * type bigint: "zzz…"` (its parameters bound to one of pg-boss's statements). And with the stock default
 * `maxConnections: 1`, pg-boss cannot even connect while Kysely's pool holds a connection.
 *
 * So we keep pglite-socket's per-connection protocol handler (`PGLiteSocketHandler`: startup, SSL refusal,
 * message framing) and give it our own scheduler: a connection owns the backend from its first message until
 * the backend answers ReadyForQuery with status idle ('I'), i.e. to the end of its Sync or simple query and of
 * any transaction block. Other connections wait (they are not refused). The consequence, inherent to a single
 * session: a connection that leaves a transaction open while waiting for another connection deadlocks both.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';

/** Backend message 'Z' (ReadyForQuery): type, int32 length 5, transaction status byte. */
const READY_FOR_QUERY = 0x5a;
const STATUS_IDLE = 0x49; // 'I'
const FRONTEND_TERMINATE = 0x58; // 'X'
const FRONTEND_SYNC = Uint8Array.of(0x53, 0, 0, 0, 4); // 'S'

const simpleQuery = (text: string): Uint8Array => {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const message = Buffer.alloc(5 + body.length);
  message.write('Q', 0, 'latin1');
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
};

type PendingMessage = {
  connectionId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (byteCount: number) => void;
  reject: (error: Error) => void;
};

/** Remembers the last 6 bytes a message produced: enough to see whether it ended with ReadyForQuery 'I'. */
class OutputTail {
  #bytes = new Uint8Array(6);
  #length = 0;

  push(data: Uint8Array): void {
    for (const byte of data.subarray(Math.max(0, data.length - 6))) {
      this.#bytes.copyWithin(0, 1);
      this.#bytes[5] = byte;
      this.#length = Math.min(6, this.#length + 1);
    }
  }

  endsIdle(): boolean {
    const b = this.#bytes;
    return this.#length === 6 && b[0] === READY_FOR_QUERY && b[1] === 0 && b[2] === 0 && b[3] === 0 && b[4] === 5 && b[5] === STATUS_IDLE;
  }
}

/**
 * Stands in for pglite-socket's QueryQueueManager (same three methods, which are all PGLiteSocketHandler calls).
 * Messages run one at a time, in arrival order, except that while a connection owns the backend only its
 * messages run.
 */
class BackendScheduler {
  readonly #db: PGlite;
  #pending: PendingMessage[] = [];
  #owner: number | null = null;
  /** Connections that went away; if one still owns the backend, it is reset before anyone else runs. */
  #gone = new Set<number>();
  #draining = false;

  constructor(db: PGlite) {
    this.#db = db;
  }

  enqueue(connectionId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ connectionId, message, onData, resolve, reject });
      void this.#drain();
    });
  }

  clearQueueForHandler(connectionId: number): void {
    const dropped = this.#pending.filter((pending) => pending.connectionId === connectionId);
    this.#pending = this.#pending.filter((pending) => pending.connectionId !== connectionId);
    for (const pending of dropped) {
      pending.reject(new Error('connection closed'));
    }
  }

  /** Called when a connection detaches: if it owns the backend, end its protocol sequence and transaction. */
  async clearTransactionIfNeeded(connectionId: number): Promise<void> {
    this.#gone.add(connectionId);
    await this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#draining) {
      return;
    }
    this.#draining = true;
    try {
      for (;;) {
        if (this.#owner !== null && this.#gone.has(this.#owner)) {
          await this.#resetSession();
        }
        if (this.#owner === null) {
          // Nothing runs at this point and gone connections have no messages left: forget them.
          this.#gone.clear();
        }
        const index = this.#owner === null ? (this.#pending.length > 0 ? 0 : -1) : this.#pending.findIndex((p) => p.connectionId === this.#owner);
        if (index < 0) {
          return;
        }
        const [next] = this.#pending.splice(index, 1);
        if (next !== undefined) {
          await this.#run(next);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  async #run(pending: PendingMessage): Promise<void> {
    const tail = new OutputTail();
    let byteCount = 0;
    try {
      await this.#db.runExclusive(() =>
        this.#db.execProtocolRawStream(pending.message, {
          onRawData: (data) => {
            byteCount += data.length;
            tail.push(data);
            pending.onData(data);
          },
        }),
      );
    } catch (error) {
      // The session's state is unknown: keep it for this connection, whose handler now closes it (and we reset).
      this.#owner = pending.connectionId;
      pending.reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.#owner = tail.endsIdle() || pending.message[0] === FRONTEND_TERMINATE ? null : pending.connectionId;
    pending.resolve(byteCount);
  }

  /** Sync ends an unfinished extended-protocol sequence (and an error state); then roll back an open transaction. */
  async #resetSession(): Promise<void> {
    try {
      await this.#db.runExclusive(async () => {
        await this.#db.execProtocolRaw(FRONTEND_SYNC);
        if (this.#db.isInTransaction()) {
          await this.#db.execProtocolRaw(simpleQuery('ROLLBACK'));
        }
      });
    } catch {
      // A closed or broken database: nothing left to reset.
    } finally {
      this.#owner = null;
    }
  }
}

export type PgliteServer = {
  host: string;
  port: number;
  /** Stops accepting, closes every connection (rolling back what they left open). Does not close the database. */
  stop(): Promise<void>;
};

export type PgliteServerOptions = {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Connections beyond this are refused with SQLSTATE 53300 (too_many_connections). */
  maxConnections?: number;
};

/** An ErrorResponse, as a server sends it before closing a connection it refuses. */
const fatalError = (sqlState: string, text: string): Buffer => {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${sqlState}\0M${text}\0\0`, 'utf8');
  const message = Buffer.alloc(5 + fields.length);
  message.write('E', 0, 'latin1');
  message.writeInt32BE(4 + fields.length, 1);
  fields.copy(message, 5);
  return message;
};

export const startPgliteServer = async (db: PGlite, options: PgliteServerOptions = {}): Promise<PgliteServer> => {
  const host = options.host ?? '127.0.0.1';
  const maxConnections = options.maxConnections ?? 64;
  const scheduler = new BackendScheduler(db);
  const handlers = new Set<PGLiteSocketHandler>();

  const accept = (socket: Socket): void => {
    if (handlers.size >= maxConnections) {
      socket.end(fatalError('53300', `sorry, too many clients already (the embedded catalog allows ${maxConnections})`));
      return;
    }
    const handler = new PGLiteSocketHandler({
      // The handler only calls enqueue, clearQueueForHandler and clearTransactionIfNeeded (see BackendScheduler).
      queryQueue: scheduler as unknown as PGLiteSocketHandlerOptions['queryQueue'],
      closeOnDetach: true,
    });
    handlers.add(handler);
    handler.addEventListener('close', () => handlers.delete(handler));
    handler.addEventListener('error', () => handlers.delete(handler));
    handler.attach(socket).catch(() => {
      handlers.delete(handler);
      socket.destroy();
    });
  };

  const server: Server = createServer(accept);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  const stop = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...handlers].map((handler) => handler.detach(true)));
    handlers.clear();
    await closed;
  };

  return { host, port, stop };
};
