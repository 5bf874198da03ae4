/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and sums self time per function and per area of the
 * convert pipeline. A function is put in an area by its script: Reprise's own modules by folder, mediabunny's
 * writer (StreamTarget) apart from its muxer, Node's streams by direction. Frames that belong to no area by
 * themselves (natives such as `read`, shared helpers such as `concatBytes`) count for their nearest caller
 * that does, so a copy made by the depacketizer counts as depacketizing.
 */
import { readFile } from 'node:fs/promises';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };

type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export type ProfileEntry = { name: string; area: string; selfMs: number };

export type ProfileSummary = { totalMs: number; areas: Array<{ area: string; selfMs: number }>; functions: ProfileEntry[] };

export const AREAS = {
  gc: 'GC',
  idle: 'idle (waiting on reads/writes)',
  mjr: 'mjr parsing',
  rtp: 'RTP parse/reorder/clock',
  depacketize: 'depacketizing (frames)',
  async: 'async overhead (generators, awaits, microtasks)',
  mux: 'muxing (mediabunny Matroska/EBML + MediaWriter)',
  writes: 'file writes (mediabunny StreamTarget + fs)',
  reads: 'file reads (fs.ReadStream)',
  startup: 'startup (module loading)',
  other: 'other',
} as const;

/** Reprise's per-frame plumbing: generators that pass frames along, the interleave loop. */
const ASYNC_PLUMBING = new Set(['frames', 'chunks', 'remaining', 'orderedPackets', 'dataMessages', 'counted', 'readMjrRecordBatches', 'readMjrRecords', 'interleave', 'writeHead', 'headUs']);

/** The area of one frame, or null when it should count for its caller. */
const areaOf = ({ functionName, url }: ProfileNode['callFrame']): string | null => {
  switch (functionName) {
    case '(garbage collector)':
      return AREAS.gc;
    case '(idle)':
      return AREAS.idle;
    case '(program)':
    case '(root)':
      return AREAS.other;
    case 'runMicrotasks':
    case 'processTicksAndRejections':
      return AREAS.async;
  }
  if (/node_modules\/mediabunny\/.*\/target\.js$/.test(url) || url.startsWith('node:internal/webstreams/')) {
    return AREAS.writes;
  }
  if (url.includes('node_modules/mediabunny/') || /\/dist\/mux\//.test(url)) {
    return AREAS.mux;
  }
  if (/\/dist\/mjr\//.test(url)) {
    return ASYNC_PLUMBING.has(functionName) ? AREAS.async : AREAS.mjr;
  }
  if (/\/dist\/store\//.test(url)) {
    return url.endsWith('/file-source.js') ? AREAS.reads : AREAS.writes;
  }
  if (/\/dist\/rtp\/(packet|reorder|sequencer|sequence|track-clock|extensions)\.js$/.test(url)) {
    return AREAS.rtp;
  }
  if (/\/dist\/(rtp|codec)\//.test(url)) {
    return AREAS.depacketize;
  }
  if (/\/dist\/(convert|api)\//.test(url) && ASYNC_PLUMBING.has(functionName)) {
    return AREAS.async;
  }
  if (url === 'node:fs' || url.startsWith('node:internal/fs/streams') || url.startsWith('node:internal/streams/')) {
    return AREAS.reads;
  }
  if (url.startsWith('node:internal/modules/') || url.startsWith('node:internal/vm')) {
    return AREAS.startup;
  }
  // Natives, shared helpers, fs/promises (used by both sides), Reprise's setup code: their caller decides.
  return null;
};

export const summarizeCpuProfile = async (path: string): Promise<ProfileSummary> => {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parents.set(child, node.id);
    }
  }
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const areaOfNode = (id: number): string => {
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const area = areaOf(nodes.get(current)!.callFrame);
      if (area !== null) {
        return area;
      }
    }
    return AREAS.other;
  };
  const areas = new Map<string, number>();
  const functions = new Map<string, ProfileEntry>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = nodes.get(id)!;
    const area = areaOfNode(id);
    const name = `${callFrame.functionName || '(anonymous)'} ${shortUrl(callFrame.url)}${callFrame.url === '' ? '' : `:${callFrame.lineNumber + 1}`}`.trim();
    const key = `${name}\u0000${area}`;
    const entry = functions.get(key) ?? { name, area, selfMs: 0 };
    entry.selfMs += us / 1000;
    functions.set(key, entry);
    areas.set(area, (areas.get(area) ?? 0) + us / 1000);
    totalUs += us;
  }
  return {
    totalMs: totalUs / 1000,
    areas: [...areas].map(([area, selfMs]) => ({ area, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
    functions: [...functions.values()].sort((a, b) => b.selfMs - a.selfMs),
  };
};

/** `file:///…/node_modules/mediabunny/dist/modules/src/target.js` → `mediabunny/…/target.js`; `…/dist/rtp/packet.js` → `rtp/packet.js`. */
const shortUrl = (url: string): string =>
  url
    .replace(/^file:\/\/.*\/node_modules\/mediabunny\/dist\/modules\/src\//, 'mediabunny/')
    .replace(/^file:\/\/.*\/dist\//, '')
    .replace(/^file:\/\//, '');
