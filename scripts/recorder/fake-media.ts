import { join } from 'node:path';
import { runProcess } from './run-process.js';
import type { Participant } from './scenario.js';

/**
 * Fake camera and microphone files for Chromium's --use-file-for-fake-*-capture flags.
 * Video: 640x360 at 30 fps, a moving test pattern with the participant's name, and ONE fully white
 * frame at each whole second (frame numbers divisible by 30). Audio: 48 kHz mono, a 50 ms sine beep
 * at the participant's pitch starting exactly at each whole second, digital silence otherwise.
 * Both files start at 0, so in the source a flash and a beep coincide to the sample.
 */
export const FAKE_VIDEO = { width: 640, height: 360, frameRate: 30 } as const;
export const FAKE_AUDIO = { sampleRate: 48_000, beepMs: 50, amplitude: 0.5 } as const;

const FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export type FakeMediaFiles = { videoPath: string; audioPath: string };

/**
 * A flat background in the participant's colour with a moving box and text: cheap to encode, so a
 * 300 kbit/s VP8 publisher keeps 640x360 at 30 fps instead of scaling down (testsrc2 made Chromium
 * drop to 320x180 after a few seconds).
 */
export function buildFakeVideoArgs(participant: Participant, durationSec: number, outputPath: string): string[] {
  const { width, height, frameRate } = FAKE_VIDEO;
  const label = `${participant.name} ${participant.pitchHz} Hz`;
  const size = `${width}x${height}`;
  const graph = [
    `color=c=${participant.color}:size=${size}:rate=${frameRate}:duration=${durationSec}[background]`,
    `color=c=gold:size=96x96:rate=${frameRate}:duration=${durationSec}[box]`,
    `[background][box]overlay=x='mod(t*160\\,${width - 96})':y='${(height - 96) / 2}+100*sin(t*2)':eval=frame:shortest=1,` +
      [
        `drawtext=fontfile=${FONT_FILE}:text='${label}':x=12:y=12:fontsize=36:fontcolor=white`,
        `drawtext=fontfile=${FONT_FILE}:text='frame %{n}':x=w-text_w-12:y=h-text_h-12:fontsize=28:fontcolor=white`,
        // The sync mark: the whole frame white on every frame that starts a second.
        `drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(mod(n\\,${frameRate})\\,0)'`,
        'format=yuv420p[video]',
      ].join(','),
  ].join(';');
  return ['-hide_banner', '-loglevel', 'error', '-y', '-filter_complex', graph, '-map', '[video]', '-f', 'yuv4mpegpipe', outputPath];
}

export function buildFakeAudioArgs(participant: Participant, durationSec: number, outputPath: string): string[] {
  const { sampleRate, beepMs, amplitude } = FAKE_AUDIO;
  const beepSec = beepMs / 1000;
  const expression = `if(lt(mod(t\\,1)\\,${beepSec})\\,${amplitude}*sin(2*PI*${participant.pitchHz}*t)\\,0)`;
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=exprs='${expression}':sample_rate=${sampleRate}:duration=${durationSec}`,
    '-ac',
    '1',
    '-c:a',
    'pcm_s16le',
    outputPath,
  ];
}

/** Writes `<name>.y4m` and `<name>.wav` into `folder`. */
export async function createFakeMedia(participant: Participant, durationSec: number, folder: string): Promise<FakeMediaFiles> {
  const videoPath = join(folder, `${participant.name}.y4m`);
  const audioPath = join(folder, `${participant.name}.wav`);
  await Promise.all([
    runProcess('ffmpeg', buildFakeVideoArgs(participant, durationSec, videoPath), { timeoutMs: 180_000 }),
    runProcess('ffmpeg', buildFakeAudioArgs(participant, durationSec, audioPath), { timeoutMs: 60_000 }),
  ]);
  return { videoPath, audioPath };
}
