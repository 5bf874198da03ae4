/** A one-line progress bar on a terminal; nothing when the stream is not one (logs, pipes, CI). */
import type { CliIo } from './io.js';

export type ProgressBar = { update(fraction: number): void; done(): void };

const WIDTH = 30;
const MIN_INTERVAL_MS = 100;

export const createProgressBar = (io: CliIo, label: string, now: () => number = Date.now): ProgressBar => {
  if (io.stderr.isTTY !== true) {
    return { update: () => undefined, done: () => undefined };
  }
  let lastDrawMs = -Infinity;
  let lastPercent = -1;
  const draw = (fraction: number): void => {
    const filled = Math.round(fraction * WIDTH);
    const percent = Math.floor(fraction * 100);
    io.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(percent).padStart(3)}%`);
    lastPercent = percent;
  };
  return {
    update: (fraction) => {
      const time = now();
      if (time - lastDrawMs >= MIN_INTERVAL_MS && Math.floor(fraction * 100) !== lastPercent) {
        lastDrawMs = time;
        draw(fraction);
      }
    },
    done: () => {
      draw(1);
      io.stderr.write('\n');
    },
  };
};
