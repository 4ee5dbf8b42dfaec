import { backfillCommand } from './backfill-command';
import { candlesCommand } from './candles-command';
import { COMMANDS, mainHelp } from './help';
import { usageError, type CliIo } from './io';

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/** The commands by name; help.ts lists them for `exgate --help`. */
const RUN: Readonly<Record<string, Command>> = { candles: candlesCommand, backfill: backfillCommand };

const HELP_FLAGS = new Set(['-h', '--help']);

/**
 * `exgate <command> [options]`. Exit codes: 0 done (help included), 1 the command failed,
 * 2 bad usage. `exgate help [command]` and `--help` anywhere in front of a command answer help.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) return usageError(io, 'missing command', mainHelp());
  if (HELP_FLAGS.has(first) || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic === undefined) {
      io.stdout.write(`${mainHelp()}\n`);
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === topic);
    if (!command) return usageError(io, `unknown command ${topic}`, mainHelp());
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  const run = RUN[first];
  if (!run) return usageError(io, `unknown command ${first}`, mainHelp());
  return run(rest, io);
}
