import { describe, expect, test } from 'vitest';
import { expectGolden } from '../../test/support/golden.js';
import { buildComposeCommand } from './command.js';
import type { LayoutTimeline } from './layout-types.js';

/** Two people: alice alone, then bob joins (camera off at first), alice leaves. Hand-written timeline. */
const timeline: LayoutTimeline = {
  canvas: { width: 1280, height: 720, background: '#1e1e1e', padding: 8, labels: true },
  spec: { type: 'grid' },
  intervals: [
    { startMs: 0, endMs: 3000, regions: [{ participantId: 'alice', x: 8, y: 8, width: 1264, height: 704, z: 0, hasVideo: true, label: 'Alice' }] },
    {
      startMs: 3000,
      endMs: 6000,
      regions: [
        { participantId: 'alice', x: 8, y: 184, width: 628, height: 352, z: 0, hasVideo: true, label: 'Alice' },
        { participantId: 'bob', x: 644, y: 184, width: 628, height: 352, z: 0, hasVideo: false, label: 'Bob' },
      ],
    },
    { startMs: 6000, endMs: 9000, regions: [{ participantId: 'bob', x: 8, y: 8, width: 1264, height: 704, z: 0, hasVideo: true, label: 'Bob' }] },
  ],
};

const common = {
  timeline,
  durationMs: 9000,
  frameRate: 30,
  fontFile: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  labelFiles: new Map([
    ['alice', '/tmp/labels/alice.txt'],
    ['bob', '/tmp/labels/bob.txt'],
  ]),
  inputs: ['/tmp/in/alice-video.webm', '/tmp/in/alice-audio.ogg', '/tmp/in/bob-video.webm', '/tmp/in/bob-audio.ogg'],
  sources: [
    { index: 0, participantId: 'alice', kind: 'video' as const, offsetMs: 12 },
    { index: 1, participantId: 'alice', kind: 'audio' as const, offsetMs: 0, gainDb: 1.5 },
    { index: 2, participantId: 'bob', kind: 'video' as const, offsetMs: 4500 },
    { index: 3, participantId: 'bob', kind: 'audio' as const, offsetMs: 3000, gainDb: -2 },
  ],
  graphFile: '/tmp/graph.txt',
};

describe('buildComposeCommand', () => {
  test('a composed MP4: the filter graph and the arguments', () => {
    const command = buildComposeCommand({ ...common, audio: { type: 'mix' }, outputs: [{ type: 'file', path: '/tmp/out.mp4', container: 'mp4' }] });
    expectGolden('compose/grid-mp4.graph.txt', `${command.graph}\n`);
    expectGolden('compose/grid-mp4.args.json', `${JSON.stringify(command.args, null, 2)}\n`);
  });

  test('an HLS ladder and thumbnails from one decode, keyframes forced at segment boundaries', () => {
    const rendition = (name: string, width: number, height: number, bitrate: number) => ({
      name,
      width,
      height,
      videoBitrate: bitrate,
      maxBitrate: bitrate * 1.5,
      bufferSize: bitrate * 2,
      audioBitrate: 128_000,
      h264Profile: 'main',
      h264Level: '3.1',
    });
    const command = buildComposeCommand({
      ...common,
      audio: { type: 'mix' },
      outputs: [
        { type: 'hls', dir: '/tmp/hls', segmentSec: 4, renditions: [rendition('720p', 1280, 720, 2_000_000), rendition('480p', 854, 480, 1_000_000)] },
        { type: 'thumbnails', pattern: '/tmp/hls/thumbs/sheet-%03d.jpg', intervalSec: 5, tileWidth: 160, tileHeight: 90, columns: 10, rows: 10 },
      ],
    });
    expectGolden('compose/ladder.graph.txt', `${command.graph}\n`);
    expectGolden('compose/ladder.args.json', `${JSON.stringify(command.args, null, 2)}\n`);
    expect(command.args.filter((arg) => arg === '-force_key_frames')).toHaveLength(2);
  });

  test('the mosaic keeps each voice on its own channel', () => {
    const command = buildComposeCommand({ ...common, audio: { type: 'channels', participantOrder: ['alice', 'bob'] }, outputs: [{ type: 'file', path: '/tmp/mosaic.mkv', container: 'mkv' }] });
    expect(command.graph).toContain('join=inputs=2:channel_layout=stereo:map=0.0-FL|1.0-FR[amain]');
  });
});
