/**
 * CPU time per process and per thread under a process measured with GNU time, sampled from /proc while it runs
 * (Linux only). What it is for: the busiest thread bounds the wall time whatever the number of cores. ffmpeg 5.1
 * runs demuxing, decoding, the whole filter graph, audio encoding and muxing on its main thread; only the
 * encoders' own threads (x264 frame threads and lookahead) and frame-threaded decoders run beside it. So on an
 * idle machine with N cores, ffmpeg's wall ≥ max(cpu / N, main-thread cpu): an estimate that other jobs on a
 * busy shared machine do not distort.
 *
 * The last sample is taken up to one interval before a process exits, so its figures are low by at most that.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type ProcessCpu = {
  pid: number;
  /** Executable name (/proc/<pid>/comm). */
  name: string;
  /** Its arguments (/proc/<pid>/cmdline), as last read. */
  args: string[];
  /** CPU time (user + system) of the main thread, ms. */
  mainMs: number;
  /** CPU time of all its threads, ms. */
  totalMs: number;
  threads: number;
  /** When it was first and last seen, ms on performance.now(). */
  firstSeenMs: number;
  lastSeenMs: number;
};

const TICK_MS = 10; // USER_HZ is 100 on Linux

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** utime + stime from a /proc/<pid>/task/<tid>/stat line, ms (fields 14 and 15, counted after the `)` of comm). */
const readThreadMs = (pid: number, tid: string): number | null => {
  const stat = readText(`/proc/${pid}/task/${tid}/stat`);
  if (stat === null) {
    return null;
  }
  // After ") " comes field 3 (state), so fields 14 and 15 are at 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
};

const listTasks = (pid: number): string[] => {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
};

/** The children of every thread of `pid`. */
const listChildren = (pid: number): number[] =>
  listTasks(pid).flatMap((tid) =>
    (readText(`/proc/${pid}/task/${tid}/children`) ?? '')
      .trim()
      .split(' ')
      .filter((entry) => entry !== '')
      .map(Number),
  );

/**
 * Samples every descendant of `rootPid` (GNU time's pid: the measured command and whatever it starts) every
 * `intervalMs`. `stop()` returns one entry per process seen, busiest first.
 */
export const sampleProcessTree = (rootPid: number, intervalMs = 100): { stop: () => ProcessCpu[] } => {
  const seen = new Map<number, ProcessCpu & { perThread: Map<string, number> }>();
  const sample = (): void => {
    const now = performance.now();
    const queue = listChildren(rootPid);
    while (queue.length > 0) {
      const pid = queue.shift()!;
      queue.push(...listChildren(pid));
      const entry = seen.get(pid) ?? {
        pid,
        name: '?',
        args: [],
        mainMs: 0,
        totalMs: 0,
        threads: 0,
        firstSeenMs: now,
        lastSeenMs: now,
        perThread: new Map<string, number>(),
      };
      // Read the name each time: a fresh child is still the parent's program until it execs.
      entry.name = (readText(`/proc/${pid}/comm`) ?? entry.name).trim();
      const cmdline = readText(`/proc/${pid}/cmdline`);
      if (cmdline !== null && cmdline !== '') {
        entry.args = cmdline.replace(/\0$/, '').split('\0');
      }
      seen.set(pid, entry);
      for (const tid of listTasks(pid)) {
        const ms = readThreadMs(pid, tid);
        if (ms !== null) {
          entry.perThread.set(tid, Math.max(ms, entry.perThread.get(tid) ?? 0));
        }
      }
      entry.lastSeenMs = now;
    }
  };
  const timer = setInterval(sample, intervalMs);
  sample();
  return {
    stop: () => {
      clearInterval(timer);
      return [...seen.values()]
        .map(({ perThread, ...entry }) => ({
          ...entry,
          mainMs: perThread.get(String(entry.pid)) ?? 0,
          totalMs: [...perThread.values()].reduce((sum, ms) => sum + ms, 0),
          threads: perThread.size,
        }))
        .sort((a, b) => b.totalMs - a.totalMs);
    },
  };
};
