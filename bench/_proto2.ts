import { readdir, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeLongRecording } from './lib/long-recording.js';
import { scanSessions } from '../src/api/sessions.js';
const [min, out] = process.argv.slice(2) as [string, string];
await mkdir(out, { recursive: true });
const src = '/work/main/test/fixtures/real';
for (const n of (await readdir(src)).filter((f) => /^videoroom-1234-.*\.mjr$/.test(f))) {
  const t = performance.now();
  const r = await writeLongRecording({ sourcePath: join(src, n), targetPath: join(out, n), durationMs: Number(min) * 60000 });
  console.log(n, r.repetitions, r.packets, r.durationMs, r.periodMs, (performance.now() - t).toFixed(0));
}
const t = performance.now();
const { sessions, skipped } = await scanSessions(out);
console.log('scan ms', performance.now() - t, skipped);
for (const s of sessions) console.log(s.id, s.durationMs, s.participants.map((p) => [p.id, JSON.stringify(p.presence), p.tracks.map((t) => `${t.kind} ${t.startMs}-${t.endMs}`).join(',')]));
