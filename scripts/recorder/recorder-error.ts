/**
 * Errors of the fixture recorder. Like the library's RepriseError, each carries a stable code; the
 * recorder is a development script, so its codes live here rather than in src/shared/errors.ts.
 */
export type RecorderErrorCode =
  | 'REC_USAGE'
  | 'REC_TIMEOUT'
  | 'REC_PROCESS_EXIT'
  | 'REC_JANUS_START'
  | 'REC_BROWSER'
  | 'REC_NO_RECORDINGS';

export class RecorderError extends Error {
  override readonly name = 'RecorderError';
  readonly code: RecorderErrorCode;

  constructor(code: RecorderErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
