/**
 * Small session manifests for layout tests, written as who is there when: `person('1001', 'alice', [[0, 22000]])`
 * gets an audio track and a 640x360 camera for each stretch of presence unless `video` says otherwise.
 */
import type { Canvas } from '../../src/compose/layout-types.js';
import type { ManifestParticipant, ManifestTrack, SessionManifest } from '../../src/sessions/manifest.js';

export type Span = readonly [startMs: number, endMs: number];

export type VideoSpan = { span: Span; width?: number | null; height?: number | null; description?: string | null };

export type PersonOptions = {
  /** Video tracks; default: a 640x360 camera over each stretch of presence. `[]` for audio only. */
  video?: readonly VideoSpan[];
  speaking?: readonly Span[];
};

const track = (id: string, kind: 'audio' | 'video', index: number, span: Span, extra: Partial<ManifestTrack> = {}): ManifestTrack => ({
  file: `videoroom-1234-user-${id}-${kind}-${index}.mjr`,
  kind,
  codec: kind === 'audio' ? 'opus' : 'vp8',
  mindex: index,
  description: null,
  startUs: span[0] * 1000,
  endUs: span[1] * 1000,
  startMs: span[0],
  endMs: span[1],
  width: null,
  height: null,
  hasAudioLevel: kind === 'audio',
  ...extra,
});

export function person(id: string, displayName: string | null, presence: readonly Span[], options: PersonOptions = {}): ManifestParticipant {
  const video: readonly VideoSpan[] = options.video ?? presence.map((span) => ({ span, width: 640, height: 360 }));
  return {
    id,
    displayName,
    tracks: [
      ...presence.map((span, index) => track(id, 'audio', index * 10, span)),
      ...video.map((entry, index) =>
        track(id, 'video', index * 10 + 1, entry.span, {
          width: entry.width === undefined ? 640 : entry.width,
          height: entry.height === undefined ? 360 : entry.height,
          description: entry.description ?? null,
        }),
      ),
    ],
    presence: presence.map(([startMs, endMs]) => ({ startMs, endMs })),
    speaking: (options.speaking ?? []).map(([startMs, endMs]) => ({ startMs, endMs })),
    speakingSource: options.speaking === undefined ? null : 'audio-level',
  };
}

export const buildManifest = (durationMs: number, participants: readonly ManifestParticipant[]): SessionManifest => ({
  version: 1,
  id: 'videoroom-1234-test',
  plugin: 'videoroom',
  room: '1234',
  originUs: 1_795_567_682_185_000,
  durationMs,
  participants: [...participants],
  tileMap: null,
});

export const CANVAS_720P: Canvas = { width: 1280, height: 720, background: '#1e1e1e', padding: 8, labels: true };

/** The real fixture's meeting (test/fixtures/real): alice from 0, bob 3–14 s, carol from 6 s, 22 s in all. */
export const threePeopleMeeting = (speaking: Partial<Record<'alice' | 'bob' | 'carol', readonly Span[]>> = {}): SessionManifest =>
  buildManifest(22_000, [
    person('1001', 'alice', [[0, 22_000]], { speaking: speaking.alice ?? [] }),
    person('1002', 'bob', [[3_000, 14_000]], { speaking: speaking.bob ?? [] }),
    person('1003', 'carol', [[6_000, 22_000]], { speaking: speaking.carol ?? [] }),
  ]);
