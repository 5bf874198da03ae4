/**
 * ffmpeg as the test oracle for the video frame builders: encode a reference clip, packetize it with
 * FFmpeg's own RTP muxer (captured on a loopback UDP socket), and decode what the builders produced
 * (`-f framemd5`, `-f null` with `-v error`). Tests that use these skip when no ffmpeg binary is present.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';

export const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;

const hasEncoder = (name: string): boolean =>
  hasFfmpeg && spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' }).stdout.includes(` ${name} `);

export const ffmpegHas = { libx264: hasEncoder('libx264'), libx265: hasEncoder('libx265'), libvpxVp9: hasEncoder('libvpx-vp9'), libaomAv1: hasEncoder('libaom-av1') };

/** Runs ffmpeg; throws with its stderr when it fails. */
export const runFfmpeg = (args: readonly string[]): Buffer => {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-y', ...args], { maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`ffmpeg ${args.join(' ')} failed: ${result.stderr.toString()}`);
  }
  return result.stdout;
};

/** What `ffmpeg -v error -i FILE -f null -` prints: empty when every frame decoded cleanly. */
export const decodeErrors = (path: string, inputArgs: readonly string[] = []): string => {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', ...inputArgs, '-i', path, '-f', 'null', '-'], { encoding: 'utf8' });
  return `${result.stderr}${result.status === 0 ? '' : `exit ${result.status}`}`.trim();
};

export type DecodedFrames = { dimensions: string; hashes: string[] };

/** Decodes with `-f framemd5` (raw frames, so the hash is of the pixels) and returns the per-frame MD5s. */
export const decodeFrameHashes = (path: string, inputArgs: readonly string[] = []): DecodedFrames => {
  const text = runFfmpeg(['-v', 'error', ...inputArgs, '-i', path, '-map', '0:v:0', '-f', 'framemd5', '-']).toString('utf8');
  const lines = text.split('\n');
  const dimensions = lines.find((line) => line.startsWith('#dimensions'))?.split(':')[1]?.trim() ?? '';
  const hashes = lines.filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(',').at(-1)!.trim());
  return { dimensions, hashes };
};

/**
 * Runs ffmpeg with `inputAndCodecArgs` and FFmpeg's RTP muxer as output, and returns the RTP packets it
 * sent to a loopback UDP socket, in order (RTCP, which goes to port + 1, is not captured).
 */
export const captureFfmpegRtp = async (inputAndCodecArgs: readonly string[], packetSize = 1200): Promise<Uint8Array[]> => {
  const socket = createSocket('udp4');
  const packets: Uint8Array[] = [];
  socket.on('message', (message) => packets.push(new Uint8Array(message)));
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  socket.setRecvBufferSize(16 * 1024 * 1024);
  const { port } = socket.address();
  const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', ...inputAndCodecArgs, '-f', 'rtp', `rtp://127.0.0.1:${port}?pkt_size=${packetSize}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.close();
  if (code !== 0) {
    throw new Error(`ffmpeg RTP muxer failed: ${stderr}`);
  }
  return packets;
};

/** A few seconds of a moving test pattern, as lavfi input arguments. */
export const testClipInput = (options: { width: number; height: number; frames: number; rate?: number }): string[] => [
  '-f',
  'lavfi',
  '-i',
  `testsrc2=size=${options.width}x${options.height}:rate=${options.rate ?? 30}`,
  '-frames:v',
  String(options.frames),
  '-pix_fmt',
  'yuv420p',
];
