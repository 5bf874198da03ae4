/** What a command may touch: its output streams. Tests pass in-memory ones. */
export type CliIo = {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
};

/** A command's result is its exit code; nothing but bin/reprise.js sets process.exitCode. */
export type Command = (args: string[], io: CliIo) => Promise<number>;
