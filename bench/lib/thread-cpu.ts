/**
 * CPU time per thread of a process measured under GNU time, sampled from /proc while it runs (Linux only). What
 * it is for: the busiest thread bounds the wall time whatever the number of cores. ffmpeg 5.1 runs demuxing,
 * decoding, the whole filter graph, AAC and muxing on its main thread; only the encoders' own threads (x264
 * frame threads) and frame-threaded decoders run beside it. So on an idle machine with N cores,
 * wall ≥ max(cpu / N, main-thread cpu), which gives an estimate that a busy shared machine cannot distort.
 *
 * The last sample is taken up to one interval before the process exits, so the figures are low by at most that.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type ThreadCpu = {
  /** CPU time (user + system) of the main thread, ms. */
  mainMs: number;
  /** CPU time of the busiest other thread, ms. */
  busiestOtherMs: number;
  /** Threads seen over the run. */
  threads: number;
  samples: number;
};

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of one /proc/<pid>/task/<tid>/stat line, in ms (fields 14 and 15, counted after the `)` of comm). */
const readThreadMs = (pid: number, tid: string): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is the state (field 3), so field 14 is fields[11].
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
};

/** The first child of `parentPid` (GNU time has exactly one: the command it measures), or null. */
const findChild = (parentPid: number): number | null => {
  try {
    const first = readFileSync(`/proc/${parentPid}/task/${parentPid}/children`, 'utf8').trim().split(' ')[0];
    return first === undefined || first === '' ? null : Number(first);
  } catch {
    return null;
  }
};

/** Starts sampling the child of `timePid` every `intervalMs`; `stop()` returns what was seen (zeros if nothing). */
export const sampleThreadCpu = (timePid: number, intervalMs = 100): { stop: () => ThreadCpu } => {
  let pid: number | null = null;
  const latest = new Map<string, number>();
  let samples = 0;
  const sample = (): void => {
    pid ??= findChild(timePid);
    if (pid === null) {
      return;
    }
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      return;
    }
    for (const tid of tids) {
      const ms = readThreadMs(pid, tid);
      if (ms !== null) {
        latest.set(tid, Math.max(ms, latest.get(tid) ?? 0));
      }
    }
    samples++;
  };
  const timer = setInterval(sample, intervalMs);
  sample();
  return {
    stop: () => {
      clearInterval(timer);
      const main = pid === null ? 0 : (latest.get(String(pid)) ?? 0);
      const others = [...latest].filter(([tid]) => tid !== String(pid)).map(([, ms]) => ms);
      return { mainMs: main, busiestOtherMs: Math.max(0, ...others), threads: latest.size, samples };
    },
  };
};
