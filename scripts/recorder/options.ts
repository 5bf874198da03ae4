import { parseArgs } from 'node:util';
import { RecorderError } from './recorder-error.js';

export type RecorderOptions = {
  workDir: string;
  outputDir: string;
  iceEnforce: string;
  runs: 'all' | 'meeting' | 'codecs';
  httpPort: number;
  pagePort: number;
  publisherBitrateBps: number;
  /** Janus's rec_dir for the runs (default: inside the work folder): a folder another program watches live. */
  recDir: string | null;
};

export const RECORDER_USAGE = `usage: main.ts --work-dir DIR [--out DIR] [--ice-enforce ADDR] [--runs all|meeting|codecs] [--rec-dir DIR]
  (normally started by scripts/record-fixtures inside its network namespace)`;

const parsePort = (text: string, name: string): number => {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RecorderError('REC_USAGE', `--${name} must be a port number, got "${text}"`);
  }
  return port;
};

function parseRecorderArgs(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        'work-dir': { type: 'string' },
        out: { type: 'string', default: 'test/fixtures/real' },
        'ice-enforce': { type: 'string', default: '127.0.0.2' },
        runs: { type: 'string', default: 'all' },
        'http-port': { type: 'string', default: '8088' },
        'page-port': { type: 'string', default: '8080' },
        'bitrate-kbps': { type: 'string', default: '300' },
        'rec-dir': { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    throw new RecorderError('REC_USAGE', `${error instanceof Error ? error.message : String(error)}\n${RECORDER_USAGE}`);
  }
}

export function parseRecorderOptions(argv: readonly string[]): RecorderOptions {
  const { values } = parseRecorderArgs(argv);
  const workDir = values['work-dir'];
  if (workDir === undefined) {
    throw new RecorderError('REC_USAGE', `--work-dir is required\n${RECORDER_USAGE}`);
  }
  const runs = values.runs;
  if (runs !== 'all' && runs !== 'meeting' && runs !== 'codecs') {
    throw new RecorderError('REC_USAGE', `--runs must be all, meeting or codecs, got "${runs}"`);
  }
  const bitrateKbps = Number(values['bitrate-kbps']);
  if (!Number.isFinite(bitrateKbps) || bitrateKbps <= 0) {
    throw new RecorderError('REC_USAGE', `--bitrate-kbps must be a positive number`);
  }
  return {
    workDir,
    outputDir: values.out,
    iceEnforce: values['ice-enforce'],
    runs,
    httpPort: parsePort(values['http-port'], 'http-port'),
    pagePort: parsePort(values['page-port'], 'page-port'),
    publisherBitrateBps: Math.round(bitrateKbps * 1000),
    recDir: values['rec-dir'] ?? null,
  };
}
