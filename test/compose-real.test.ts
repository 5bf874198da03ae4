/**
 * Composition of the real fixture meeting (three participants joining at 0, 3 and 6 s, one leaving early):
 * every layout composes and decodes cleanly; the sync proof (each participant's flash inside its region and
 * its own beep in the mix, where the recordings' wall clock puts them); and the HLS ladder plays in hls.js in
 * headless Chromium.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { composeSession, loadSession, type ComposeReport } from '../src/api/compose.js';
import { convertFiles } from '../src/api/convert.js';
import type { LayoutSpec, Region } from '../src/compose/layout-types.js';
import type { SessionManifest } from '../src/sessions/manifest.js';
import { hlsPlayerPage } from './support/hls-player.js';
import { launchChromium, serveStatic } from './support/browser.js';
import { decodeWarnings, probe } from './support/decode-check.js';
import { runFfmpeg } from './support/ffmpeg-video.js';
import { measureSync } from './support/measure-sync.js';

const REAL = join(import.meta.dirname, 'fixtures', 'real');
const out = mkdtempSync(join(tmpdir(), 'reprise-compose-'));
const SESSION = 'videoroom-1234-1795567682';
const PITCH: Record<string, number> = { '1001': 500, '1002': 800, '1003': 1250 };

let manifest: SessionManifest;
let grid: ComposeReport;

beforeAll(async () => {
  manifest = (await loadSession(REAL, SESSION)).manifest;
  grid = await composeSession({ source: REAL, sessionId: SESSION, layout: { type: 'grid' }, output: join(out, 'grid.mp4'), hlsDir: join(out, 'hls'), preset: 'ultrafast' });
}, 300_000);

describe('every layout composes', () => {
  test('grid: 1280x720 H.264/AAC, the session\'s length, clean decode', () => {
    expect(decodeWarnings(join(out, 'grid.mp4'))).toBe('');
    const streams = probe(join(out, 'grid.mp4')).streams;
    expect(streams.find((stream) => stream.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    expect(Number(probe(join(out, 'grid.mp4')).format.duration) * 1000).toBeCloseTo(manifest.durationMs, -2);
  });

  const custom: LayoutSpec = {
    type: 'custom',
    regions: [
      { name: 'main', x: 0, y: 0, width: 480, height: 360, z: 1, sources: ['1001'] },
      { name: 'others', x: 480, y: 0, width: 160, height: 360, z: 1, maxColumns: 1, maxRows: 2, sources: ['*'] },
    ],
  };
  test.each<[string, LayoutSpec, string]>([
    ['speaker', { type: 'speaker' }, 'webm'],
    ['pip', { type: 'pip' }, 'mkv'],
    ['presentation', { type: 'presentation', participantId: '1003' }, 'mp4'],
    ['custom regions', custom, 'mp4'],
  ])('%s', async (name, layout, container) => {
    const output = join(out, `${name.replace(/\W/g, '-')}.${container}`);
    const report = await composeSession({ source: REAL, sessionId: SESSION, layout, output, canvas: { width: 640, height: 360 }, frameRate: 15, preset: 'ultrafast' });
    expect(decodeWarnings(output)).toBe('');
    expect(report.layout.intervals.length).toBeGreaterThan(1);
    expect(Math.abs(Number(probe(output).format.duration) * 1000 - manifest.durationMs)).toBeLessThan(100);
  }, 120_000);
});

describe('--trim', () => {
  test('cuts the stretch where nobody is present, and the playlists keep the true wall clock after the cut', async () => {
    // Bob alone, in a session that (we say) began 5 s before he joined: 5 s of nobody.
    const bob = manifest.participants.find((participant) => participant.id === '1002')!;
    const shiftMs = 5000 - bob.presence[0]!.startMs;
    const lonely: SessionManifest = {
      ...manifest,
      originUs: manifest.originUs - shiftMs * 1000,
      durationMs: bob.presence[0]!.endMs + shiftMs,
      participants: [
        {
          ...bob,
          tracks: bob.tracks.map((track) => ({ ...track, file: join(REAL, track.file), startMs: track.startMs + shiftMs, endMs: track.endMs + shiftMs })),
          presence: bob.presence.map((interval) => ({ startMs: interval.startMs + shiftMs, endMs: interval.endMs + shiftMs })),
        },
      ],
    };
    const manifestFile = join(out, 'lonely.json');
    writeFileSync(manifestFile, JSON.stringify(lonely));
    const report = await composeSession({ source: manifestFile, layout: { type: 'grid' }, hlsDir: join(out, 'trimmed'), trim: true, mosaic: false, canvas: { width: 640, height: 360 }, frameRate: 15, preset: 'ultrafast' });
    const presentMs = bob.presence[0]!.endMs - bob.presence[0]!.startMs;
    expect(report.durationMs).toBe(presentMs);
    const media = readFileSync(join(out, 'trimmed', '360p', 'playlist.m3u8'), 'utf8');
    const firstDate = /#EXT-X-PROGRAM-DATE-TIME:(\S+)/.exec(media)![1]!;
    // The first segment starts when bob joined, not when the (empty) session began.
    expect(Math.abs(Date.parse(firstDate) * 1000 - (lonely.originUs + 5_000_000))).toBeLessThan(2000);
    const total = [...media.matchAll(/#EXTINF:([\d.]+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    expect(Math.abs(total * 1000 - presentMs)).toBeLessThan(100);
  }, 120_000);
});

describe('sync proof', () => {
  /** Each participant's region while all three are present (6.5–13.5 s in the grid). */
  const regionAt = (participantId: string, atMs: number): Region => {
    const interval = grid.layout.intervals.find((candidate) => candidate.startMs <= atMs && atMs < candidate.endMs)!;
    return interval.regions.find((region) => region.participantId === participantId)!;
  };

  test.each(['1001', '1002', '1003'])('participant %s: flash in its region and beep in the mix where the recordings put them', async (participantId) => {
    const participant = manifest.participants.find((candidate) => candidate.id === participantId)!;
    const video = participant.tracks.find((track) => track.kind === 'video')!;
    const audio = participant.tracks.find((track) => track.kind === 'audio')!;
    // Ground truth: the participant alone, converted (already proven in sync), placed on the session timeline.
    const own = join(out, `own-${participantId}.webm`);
    const ownReport = await convertFiles({ inputs: [join(REAL, video.file), join(REAL, audio.file)], output: own });
    const ownSync = await measureSync(own, { pitchesHz: [PITCH[participantId]!] });
    const shiftSec = (ownReport.startUs - manifest.originUs) / 1e6;
    const windowStart = 6.5;
    const windowEnd = 13.5;
    const inWindow = (timeSec: number): boolean => timeSec >= windowStart && timeSec <= windowEnd;
    const expectedFlashes = ownSync.video!.flashes.map((flash) => flash.timeSec + shiftSec).filter(inWindow);
    const expectedBeeps = ownSync.audio!.beeps.map((beep) => beep.timeSec + shiftSec).filter(inWindow);

    const region = regionAt(participantId, 10_000);
    const composed = await measureSync(join(out, 'grid.mp4'), { pitchesHz: [PITCH[participantId]!], region: { x: region.x, y: region.y, width: region.width, height: region.height } });
    const flashes = composed.video!.flashes.map((flash) => flash.timeSec).filter(inWindow);
    const beeps = composed.audio!.beeps.filter((beep) => beep.pitchHz === PITCH[participantId]).map((beep) => beep.timeSec).filter(inWindow);

    expect(flashes.length).toBe(expectedFlashes.length);
    expect(beeps.length).toBe(expectedBeeps.length);
    expect(flashes.length).toBeGreaterThanOrEqual(6);
    flashes.forEach((time, index) => {
      // The output is resampled to a 30 fps grid: a frame lands within half a frame (16.7 ms) of its time.
      expect(Math.abs(time - expectedFlashes[index]!) * 1000).toBeLessThanOrEqual(20);
    });
    beeps.forEach((time, index) => {
      expect(Math.abs(time - expectedBeeps[index]!) * 1000).toBeLessThanOrEqual(2);
      // And flash and beep stay together: the recording's own offset, give or take the frame grid.
      const ownOffsetMs = (expectedBeeps[index]! - expectedFlashes[index]!) * 1000;
      const composedOffsetMs = (time - flashes[index]!) * 1000;
      expect(Math.abs(composedOffsetMs - ownOffsetMs)).toBeLessThanOrEqual(20);
    });
  }, 120_000);
});

describe('the mosaic rendition', () => {
  test('fixed tiles in the tile map, and each voice alone on its own channel of a 3.0 AAC track', async () => {
    const tileMap = grid.hls!.mosaic!;
    expect(tileMap.audio).toBe('per-participant-channels');
    expect(tileMap.tiles.map((tile) => [tile.participantId, tile.audioChannel])).toEqual([
      ['1001', 0],
      ['1002', 1],
      ['1003', 2],
    ]);
    const session = JSON.parse(readFileSync(join(out, 'hls', 'session.json'), 'utf8')) as SessionManifest;
    expect(session.tileMap).toEqual(tileMap);
    const folder = join(out, 'hls', 'mosaic');
    expect(probe(join(folder, 'init.mp4')).streams.find((stream) => stream.codec_type === 'audio')).toMatchObject({ channels: 3 });
    const joined = join(out, 'mosaic-joined.mp4');
    writeFileSync(joined, Buffer.concat(['init.mp4', ...readdirSync(folder).filter((name) => name.endsWith('.m4s')).sort()].map((name) => readFileSync(join(folder, name)))));
    for (const tile of tileMap.tiles) {
      const channel = join(out, `mosaic-channel-${tile.audioChannel}.wav`);
      runFfmpeg(['-i', joined, '-af', `pan=mono|c0=c${tile.audioChannel}`, channel]);
      const beeps = (await measureSync(channel)).audio!.beeps;
      expect(beeps.length).toBeGreaterThanOrEqual(5);
      expect(new Set(beeps.map((beep) => beep.pitchHz))).toEqual(new Set([PITCH[tile.participantId]]));
    }
  }, 60_000);
});

describe('HLS', () => {
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    writeFileSync(
      join(out, 'player.html'),
      hlsPlayerPage('/hls/master.m3u8'),
    );
    server = await serveStatic({ '/lib/': join(import.meta.dirname, '..', 'node_modules', 'hls.js', 'dist'), '/hls/': join(out, 'hls'), '/': out });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a three-rung ladder with our playlists: ENDLIST, program date-time from the meeting, I-frame playlists', () => {
    const master = readFileSync(join(out, 'hls', 'master.m3u8'), 'utf8');
    expect(master.match(/#EXT-X-STREAM-INF:/g)).toHaveLength(3);
    expect(master).toMatch(/RESOLUTION=1280x720/);
    expect(master.match(/#EXT-X-I-FRAME-STREAM-INF:/g)).toHaveLength(3);
    const media = readFileSync(join(out, 'hls', '720p', 'playlist.m3u8'), 'utf8');
    expect(media).toContain('#EXT-X-ENDLIST');
    const firstDate = /#EXT-X-PROGRAM-DATE-TIME:(\S+)/.exec(media)![1]!;
    expect(Math.abs(Date.parse(firstDate) - manifest.originUs / 1000)).toBeLessThan(2);
    // Keyframes line up across renditions: every rendition has the same segment durations.
    const durations = (name: string) => readFileSync(join(out, 'hls', name, 'playlist.m3u8'), 'utf8').match(/#EXTINF:[\d.]+/g);
    expect(durations('480p')).toEqual(durations('720p'));
    expect(durations('240p')).toEqual(durations('720p'));
    expect(readdirSync(join(out, 'hls', 'thumbs'))).toContain('thumbnails.vtt');
    expect(decodeWarnings(join(out, 'hls', 'download.mp4'))).toBe('');
  });

  test('hls.js plays it in headless Chromium', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/player.html`);
    // Page code as strings: the tests compile without the DOM library.
    await page.waitForFunction('document.getElementById("v").currentTime > 2', undefined, { timeout: 30_000 });
    const state = (await page.evaluate('({ errors: window.errors, levels: window.levels })')) as { errors: string[]; levels: number[] };
    expect(state.errors).toEqual([]);
    expect([...state.levels].sort((a, b) => b - a)).toEqual([720, 480, 240]);
  }, 60_000);
});
