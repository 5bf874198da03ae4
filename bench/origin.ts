/**
 * The media origin (src/server/media.ts) against nginx serving the same segment files, under wrk.
 *
 *   npx tsx bench/origin.ts [--duration 10] [--connections 50] [--runs 3] [--files 20] [--file-mib 2]
 *                           [--range-kib 64] [--cache-mib 64] [--no-pin]
 *
 * Two workloads, each over rotating paths (a wrk Lua script): whole 2 MiB segments, and 64 KiB ranges at
 * rotating offsets. reprise runs in its own process (bench/lib/origin-server.ts, a fastify app with only the
 * media routes, signed URLs); nginx runs with one worker, sendfile on, access log off. With two cores, wrk
 * gets one thread on core 0 and each server is pinned to core 1 (taskset), so each side has one core.
 * Runs alternate between the servers; the table shows medians and the reprise/nginx ratios. See
 * bench/README.md for what the figures mean.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signMediaPath } from '../src/http/signing.js';
import { findFreePort, startNginx, type NginxServer } from '../test/support/nginx.js';
import { formatRatio, renderTable } from './lib/table.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    threads: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    files: { type: 'string', default: '20' },
    'file-mib': { type: 'string', default: '2' },
    'range-kib': { type: 'string', default: '64' },
    // reprise's in-process cache of small hot files (src/server/media-cache.ts); 0 measures the descriptor path.
    'cache-mib': { type: 'string', default: '64' },
    'no-pin': { type: 'boolean', default: false },
  },
});
const durationSec = Number(values.duration);
const connections = Number(values.connections);
const threads = Number(values.threads);
const runs = Number(values.runs);
const fileCount = Number(values.files);
const fileBytes = Number(values['file-mib']) * 1024 * 1024;
const rangeBytes = Number(values['range-kib']) * 1024;
const WRK = '/usr/bin/wrk';
const SECRET = randomBytes(32).toString('hex');
const SESSION_ID = 'bench-session';
const pin = !values['no-pin'] && existsSync('/usr/bin/taskset') && cpus().length >= 2;
const clientPin = pin ? ['taskset', '-c', '0'] : [];
const serverPin = pin ? ['taskset', '-c', '1'] : [];

type Workload = { name: string; ranges: boolean };
type Measurement = { requestsPerSec: number; p99Ms: number; transferBytesPerSec: number; errors: string[]; serverCpuPct: number; cpuUsPerRequest: number };
type Server = { name: 'nginx' | 'reprise'; baseUrl: string; pid: number; pathOf: (name: string) => string };

const WORKLOADS: Workload[] = [
  { name: `whole ${values['file-mib']} MiB segments`, ranges: false },
  { name: `${values['range-kib']} KiB ranges`, ranges: true },
];

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const UNIT_BYTES: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** wrk's --latency report → the figures we print. */
const parseWrk = (output: string): Omit<Measurement, 'serverCpuPct' | 'cpuUsPerRequest'> => {
  const requestsPerSec = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s|m)\b/.exec(output);
  const transfer = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB|TB)/.exec(output);
  if (!Number.isFinite(requestsPerSec) || p99 === null || transfer === null) {
    throw new Error(`cannot read wrk's output:\n${output}`);
  }
  const errors = [/Non-2xx or 3xx responses: \d+/.exec(output)?.[0], /Socket errors: [^\n]+/.exec(output)?.[0]].filter((line): line is string => line !== undefined);
  return { requestsPerSec, p99Ms: Number(p99[1]) * UNIT_MS[p99[2]!]!, transferBytesPerSec: Number(transfer[1]) * UNIT_BYTES[transfer[2]!]!, errors };
};

/** A Lua script that rotates over the paths (and range offsets), so no single file or offset stays hot. */
const renderLuaScript = (paths: readonly string[], ranges: boolean): string => {
  const offsets = ranges ? Array.from({ length: Math.floor(fileBytes / rangeBytes) }, (_, index) => index * rangeBytes) : [];
  return `local paths = { ${paths.map((path) => `"${path}"`).join(', ')} }
local ranges = { ${offsets.map((offset) => `"bytes=${offset}-${offset + rangeBytes - 1}"`).join(', ')} }
local counter = 0
request = function()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  if #ranges == 0 then
    return wrk.format("GET", path)
  end
  return wrk.format("GET", path, { ["Range"] = ranges[((counter * 7) % #ranges) + 1] })
end
`;
};

/** utime + stime of a process and its direct children (nginx's worker), in seconds. */
const cpuSecOfTree = async (pid: number): Promise<number> => {
  const ticksPerSec = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(entry) === pid || Number(fields[1]) === pid) {
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  }
  return ticks / ticksPerSec;
};

const runWrk = async (server: Server, workload: Workload, seconds: number, scriptPath: string): Promise<Measurement> => {
  const names = Array.from({ length: fileCount }, (_, index) => `seg-${String(index + 1).padStart(5, '0')}.m4s`);
  await writeFile(scriptPath, renderLuaScript(names.map(server.pathOf), workload.ranges));
  const cpuBefore = await cpuSecOfTree(server.pid);
  const args = [...clientPin, WRK, `-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', '-s', scriptPath, server.baseUrl];
  const result = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`wrk failed (${result.status}): ${result.stderr}`);
  }
  const cpuSec = (await cpuSecOfTree(server.pid)) - cpuBefore;
  const parsed = parseWrk(result.stdout);
  return { ...parsed, serverCpuPct: (cpuSec / seconds) * 100, cpuUsPerRequest: (cpuSec * 1e6) / (parsed.requestsPerSec * seconds) };
};

const startReprise = async (root: string): Promise<{ child: ChildProcess; port: number }> => {
  const port = await findFreePort();
  const command = [...serverPin, process.execPath, '--import', 'tsx', join(import.meta.dirname, 'lib', 'origin-server.ts'), root, String(port), String(values['cache-mib'])];
  const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, REPRISE_MEDIA_SECRET: SECRET, REPRISE_SESSION_ID: SESSION_ID }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`origin-server exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) {
        resolve();
      }
    });
  });
  return { child, port };
};

const median = (numbers: readonly number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** One check per server before measuring: a range of a segment comes back as 206 with the right length. */
const checkServer = async (server: Server): Promise<void> => {
  const response = await fetch(`${server.baseUrl}${server.pathOf('seg-00001.m4s')}`, { headers: { range: `bytes=0-${rangeBytes - 1}` } });
  const body = await response.arrayBuffer();
  if (response.status !== 206 || body.byteLength !== rangeBytes) {
    throw new Error(`${server.name}: expected 206 with ${rangeBytes} bytes, got ${response.status} with ${body.byteLength}`);
  }
};

const formatBytesPerSec = (bytesPerSec: number): string => (bytesPerSec >= 1024 ** 3 ? `${(bytesPerSec / 1024 ** 3).toFixed(2)} GiB/s` : `${(bytesPerSec / 1024 ** 2).toFixed(1)} MiB/s`);

const main = async (): Promise<void> => {
  const folder = await mkdtemp(join(tmpdir(), 'reprise-origin-bench-'));
  let nginx: NginxServer | null = null;
  let reprise: ChildProcess | null = null;
  try {
    for (let index = 1; index <= fileCount; index += 1) {
      await writeFile(join(folder, `seg-${String(index).padStart(5, '0')}.m4s`), randomBytes(fileBytes));
    }
    nginx = await startNginx({ root: folder, accessLog: false, wrapper: serverPin });
    const started = await startReprise(folder);
    reprise = started.child;
    const expiresAtSec = Math.floor(Date.now() / 1000) + 24 * 3600;
    const servers: Server[] = [
      { name: 'nginx', baseUrl: nginx.baseUrl, pid: nginx.pid, pathOf: (name) => `/${name}` },
      { name: 'reprise', baseUrl: `http://127.0.0.1:${started.port}`, pid: started.child.pid!, pathOf: (name) => signMediaPath({ sessionId: SESSION_ID, expiresAtSec, secret: SECRET, path: name }) },
    ];
    for (const server of servers) {
      await checkServer(server);
    }
    const nginxVersion = spawnSync('/usr/sbin/nginx', ['-v'], { encoding: 'utf8' }).stderr.trim();
    console.log(`node ${process.version}, ${nginxVersion}, wrk -t${threads} -c${connections} -d${durationSec}s, ${runs} runs per cell, ${cpus().length} cores, load ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    console.log(pin ? 'pinned: wrk on core 0, each server on core 1 (taskset)' : 'not pinned');
    console.log(`reprise memory cache: ${values['cache-mib']} MiB (files up to 4 MiB); nginx: one worker, sendfile on, open_file_cache off, access_log off`);
    const scriptPath = join(folder, 'rotate.lua');
    const results = new Map<string, Measurement[]>();
    for (const workload of WORKLOADS) {
      for (const server of servers) {
        await runWrk(server, workload, 2, scriptPath); // warm-up: JIT, page cache, connections
      }
      for (let run = 0; run < runs; run += 1) {
        const order = run % 2 === 0 ? servers : [...servers].reverse();
        for (const server of order) {
          const measurement = await runWrk(server, workload, durationSec, scriptPath);
          const key = `${workload.name}|${server.name}`;
          results.set(key, [...(results.get(key) ?? []), measurement]);
          console.log(`  ${workload.name}, ${server.name}, run ${run + 1}: ${measurement.requestsPerSec.toFixed(0)} req/s, p99 ${measurement.p99Ms.toFixed(2)} ms${measurement.errors.length > 0 ? `, ${measurement.errors.join(', ')}` : ''}`);
        }
      }
    }
    const rows: string[][] = [];
    for (const workload of WORKLOADS) {
      const summary = (name: string) => {
        const measurements = results.get(`${workload.name}|${name}`) ?? [];
        return {
          requestsPerSec: median(measurements.map((m) => m.requestsPerSec)),
          p99Ms: median(measurements.map((m) => m.p99Ms)),
          transfer: median(measurements.map((m) => m.transferBytesPerSec)),
          cpuPct: median(measurements.map((m) => m.serverCpuPct)),
          cpuUs: median(measurements.map((m) => m.cpuUsPerRequest)),
          perRun: measurements.map((m) => m.requestsPerSec.toFixed(0)).join(' '),
        };
      };
      const ours = summary('reprise');
      const theirs = summary('nginx');
      for (const [name, figures] of [['nginx', theirs], ['reprise', ours]] as const) {
        rows.push([workload.name, name, figures.requestsPerSec.toFixed(0), figures.p99Ms.toFixed(2), formatBytesPerSec(figures.transfer), `${figures.cpuPct.toFixed(0)}%`, figures.cpuUs.toFixed(0), figures.perRun]);
      }
      rows.push([workload.name, 'ratio r/n', formatRatio(ours.requestsPerSec, theirs.requestsPerSec), formatRatio(ours.p99Ms, theirs.p99Ms), formatRatio(ours.transfer, theirs.transfer), '', formatRatio(ours.cpuUs, theirs.cpuUs), '']);
    }
    console.log(
      '\n' +
        renderTable(
          [
            { title: 'workload' },
            { title: 'server' },
            { title: 'requests/s', align: 'right' },
            { title: 'p99 ms', align: 'right' },
            { title: 'transfer/s', align: 'right' },
            { title: 'server cpu', align: 'right' },
            { title: 'cpu µs/req', align: 'right' },
            { title: 'req/s per run' },
          ],
          rows,
        ),
    );
    for (const workload of WORKLOADS) {
      const ratio = median((results.get(`${workload.name}|reprise`) ?? []).map((m) => m.requestsPerSec)) / median((results.get(`${workload.name}|nginx`) ?? []).map((m) => m.requestsPerSec));
      console.log(`target requests/s ≥ 0.80× nginx, ${workload.name}: ${ratio.toFixed(2)}× ${ratio >= 0.8 ? 'MET' : 'MISSED'}`);
    }
  } finally {
    if (reprise !== null && reprise.exitCode === null) {
      const exited = new Promise((resolve) => reprise?.once('exit', resolve));
      reprise.kill('SIGTERM');
      await exited;
    }
    await nginx?.stop();
    await rm(folder, { recursive: true, force: true });
  }
};

await main();
