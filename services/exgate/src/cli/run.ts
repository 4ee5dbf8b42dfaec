import { COMMANDS, mainHelp } from './help';
import { usageError, type CliIo } from './io';

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/**
 * The commands by name; help.ts lists them for `exgate --help`. Each is loaded when it runs:
 * `backfill` brings the store and Kafka, whose loading alone took longer than `candles` needs
 * for a day of frames.
 */
const RUN: Readonly<Record<string, () => Promise<Command>>> = {
  candles: async () => (await import('./candles-command')).candlesCommand,
  backfill: async () => (await import('./backfill-command')).backfillCommand,
};

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
  const load = RUN[first];
  if (!load) return usageError(io, `unknown command ${first}`, mainHelp());
  return (await load())(rest, io);
}
