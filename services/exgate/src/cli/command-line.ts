import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '@exgate/errors';
import { resolveExchange, type ExchangeModule } from '@exgate/exchanges';
import { exchangeNames } from './help';
import { usageError, type CliIo } from './io';
import type { ProgressMode } from './progress';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What every command takes besides its own options. */
const COMMON = {
  exchange: { type: 'string' },
  progress: { type: 'string', default: 'auto' },
  help: { type: 'boolean', short: 'h' },
} as const;

const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'always', 'never'];

type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; options: O & typeof COMMON }>>['values'];

/** A command line read, with what every command checks the same way already checked. */
export interface CommandLine<O extends Options> {
  readonly values: Values<O>;
  readonly module: ExchangeModule;
  readonly mode: ProgressMode;
  /** Exit code 2 with `text` and the command's usage on stderr. */
  readonly problem: (text: string) => number;
}

/**
 * `args` read strictly with the command's own `options` and the common ones (`--exchange`,
 * `--progress`, `--help`). A number is the exit code to return at once: 0 after printing the usage
 * for `--help`, 2 after saying what is wrong with the line.
 */
export function readCommandLine<O extends Options>(io: CliIo, usage: string, args: readonly string[], options: O): CommandLine<O> | number {
  const problem = (text: string) => usageError(io, text, usage);
  let values: Values<O>;
  try {
    ({ values } = parseArgs({ args: [...args], strict: true, options: { ...options, ...COMMON } }));
  } catch (e) {
    return problem(errorMessage(e));
  }
  // The generic `values` does not resolve inside; the common options' values are these.
  const common = values as { readonly exchange?: string; readonly progress: string; readonly help?: boolean };
  if (common.help) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  const module = resolveExchange(common.exchange ?? '');
  if (!module) return problem(`--exchange must be one of ${exchangeNames()}`);
  const mode = PROGRESS_MODES.find((m) => m === common.progress);
  if (!mode) return problem('--progress must be auto, always or never');
  return { values, module, mode, problem };
}
