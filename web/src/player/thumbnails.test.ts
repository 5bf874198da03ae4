import { describe, expect, test } from 'vitest';
import { parseThumbnailVtt, thumbnailAt } from './thumbnails';

// As the server writes it (reprise-out/meeting-hls/thumbs/thumbnails.vtt).
const VTT = `WEBVTT

00:00:00.000 --> 00:00:05.000
sheet-000.jpg#xywh=0,0,160,90

00:00:05.000 --> 00:00:10.000
sheet-000.jpg#xywh=160,0,160,90

00:00:10.000 --> 00:00:12.000
../other/sheet-001.jpg#xywh=pixel:0,90,160,90
`;

describe('parseThumbnailVtt', () => {
  const cues = parseThumbnailVtt(VTT, '/media/s/123.sig/out/hls/thumbs/thumbnails.vtt', 'http://host/sessions/s');
  test('sprite URLs resolve against the VTT, with the rectangle', () => {
    expect(cues[0]).toEqual({ startSec: 0, endSec: 5, imageUrl: 'http://host/media/s/123.sig/out/hls/thumbs/sheet-000.jpg', x: 0, y: 0, width: 160, height: 90 });
    expect(cues[2]).toMatchObject({ imageUrl: 'http://host/media/s/123.sig/out/hls/other/sheet-001.jpg', x: 0, y: 90 });
  });
  test('thumbnailAt picks the cue covering the time (the last one past the end)', () => {
    expect(thumbnailAt(cues, 0)?.x).toBe(0);
    expect(thumbnailAt(cues, 7.5)?.x).toBe(160);
    expect(thumbnailAt(cues, 99)?.y).toBe(90);
    expect(thumbnailAt([], 1)).toBeNull();
  });
});
