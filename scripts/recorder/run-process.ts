import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { RecorderError } from './recorder-error.js';
import { delay } from './wait.js';

export type ProcessResult = { stdout: string; stderr: string };

/** Runs `command` with an argument array (never a shell); rejects on a non-zero exit or after `timeoutMs`. */
export function runProcess(command: string, args: readonly string[], options: { timeoutMs: number }): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new RecorderError('REC_TIMEOUT', `${command} did not finish within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new RecorderError('REC_PROCESS_EXIT', `could not start ${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      if (code === 0) {
        resolve(result);
        return;
      }
      const tail = result.stderr.trim().split('\n').slice(-8).join('\n');
      reject(new RecorderError('REC_PROCESS_EXIT', `${command} exited with ${code ?? signal}:\n${tail}`));
    });
  });
}

/** Starts a long-running process whose stdout and stderr go to `logPath`. */
export function startLoggedProcess(command: string, args: readonly string[], logPath: string): ChildProcess {
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.on('close', () => log.end());
  return child;
}

export const isRunning = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/** Asks `child` (and only it) to stop with SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (!isRunning(child)) {
    return;
  }
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const outcome = await Promise.race([exited.then(() => 'exited' as const), delay(graceMs).then(() => 'late' as const)]);
  if (outcome === 'late' && isRunning(child)) {
    child.kill('SIGKILL');
    await exited;
  }
}
