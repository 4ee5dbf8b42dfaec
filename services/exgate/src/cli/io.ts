import type { ProgressSink } from './progress';

/** What a command may touch: injected, so tests run commands in-process with a pretend terminal. */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: ProgressSink;
  readonly nowMs: () => number;
}

/** Exit code 2: the command line was wrong, nothing was read or written. */
export function usageError(io: CliIo, problem: string, usage: string): number {
  io.stderr.write(`exgate: ${problem}\n\n${usage}\n`);
  return 2;
}
