import { setTimeout as delay } from 'node:timers/promises';
import { RecorderError } from './recorder-error.js';

export { delay };

/** Rejects with REC_TIMEOUT when `promise` has not settled after `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RecorderError('REC_TIMEOUT', `${what}: no result after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Calls `check` every `intervalMs` until it returns a value other than undefined, or times out.
 * Ordinary errors count as "not yet"; a RecorderError ends the wait at once.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs: number; what: string },
): Promise<T> {
  const deadlineMs = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadlineMs) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      if (error instanceof RecorderError) {
        throw error;
      }
      lastError = error;
    }
    await delay(options.intervalMs);
  }
  throw new RecorderError('REC_TIMEOUT', `${options.what}: not ready after ${options.timeoutMs} ms`, { cause: lastError });
}

/** Sleeps until the wall clock reaches `atMs` (no-op when it already has). */
export async function sleepUntil(atMs: number): Promise<void> {
  const waitMs = atMs - Date.now();
  if (waitMs > 0) {
    await delay(waitMs);
  }
}
