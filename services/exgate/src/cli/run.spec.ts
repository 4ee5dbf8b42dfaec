import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from '@exgate/testing';
import { candlesHelp, exchangeNames, mainHelp, startHelp } from './help';
import { runCli } from './run';

/** Runs the CLI in this process with a recording stdout and stderr. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { isTTY: false, write: (s: string) => (stderr += s) },
    nowMs: () => 0,
  });
  return { code, stdout, stderr };
}

const MAIN_HELP = `usage: exgate <command> [options]
       npm run -s exgate -- <command> [options]

commands:
  candles    build klines from a file of recorded websocket frames (CSV or JSON on stdout)
  backfill   download a symbol's trade history by id and store it with its candles

Run \`exgate <command> --help\` for a command's options.
The server is \`npm start\` (\`npm start -- --help\`); the API is described in docs/api.md.
`;

describe('exgate --help and exgate <command> --help', () => {
  it('--help, -h and help print the commands on stdout and exit 0', async () => {
    expect(`${mainHelp()}\n`).toBe(MAIN_HELP);
    for (const flag of ['--help', '-h', 'help']) expect(await cli(flag)).toEqual({ code: 0, stdout: MAIN_HELP, stderr: '' });
  });

  it('<command> --help, <command> -h and help <command> print the command’s usage and exit 0', async () => {
    for (const argv of [['candles', '--help'], ['candles', '-h'], ['help', 'candles'], ['candles', '--exchange', 'nope', '--help']]) {
      expect(await cli(...argv)).toEqual({ code: 0, stdout: `${candlesHelp.usage}\n`, stderr: '' });
    }
    const lines = candlesHelp.usage.split('\n');
    expect(lines[0]).toBe('usage: exgate candles --exchange ID --input FILE --interval INTERVAL [options]');
    expect(lines).toContain('  --interval INTERVAL        1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M');
    expect(lines).toContain('  --progress auto|always|never');
    expect(lines[lines.length - 1]).toBe('exit codes: 0 done, 1 failed (an unreadable file), 2 bad usage (nothing was read)');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('no command, an unknown one, or help on an unknown one: the problem and the commands on stderr, exit 2', async () => {
    expect(await cli()).toEqual({ code: 2, stdout: '', stderr: `exgate: missing command\n\n${MAIN_HELP}` });
    expect(await cli('backtest')).toEqual({ code: 2, stdout: '', stderr: `exgate: unknown command backtest\n\n${MAIN_HELP}` });
    expect(await cli('help', 'backtest')).toEqual({ code: 2, stdout: '', stderr: `exgate: unknown command backtest\n\n${MAIN_HELP}` });
  });

  it('a bad option of a command: the problem and the command’s usage on stderr, exit 2, nothing read', async () => {
    const cases: Array<[string[], string]> = [
      [['candles', '--bogus'], "Unknown option '--bogus'"],
      [['candles', '--exchange', 'nope', '--input', 'x', '--interval', '1m'], `--exchange must be one of ${exchangeNames()}`],
      [['candles', '--exchange', 'fbinance', '--interval', '1m'], '--input FILE is required'],
      [['candles', '--exchange', 'fbinance', '--input', 'x', '--interval', '1m', '--progress', 'loud'], '--progress must be auto, always or never'],
    ];
    // Every exchange of the registry is listed, each with its aliases.
    expect(exchangeNames()).toContain('binance-usdm (alias fbinance)');
    expect(exchangeNames()).toContain('binance-spot (alias binance)');
    for (const [argv, problem] of cases) {
      const r = await cli(...argv);
      expect([r.code, r.stdout, r.stderr.split('\n', 1)[0]]).toEqual([2, '', `exgate: ${problem}`]);
      expect(r.stderr.endsWith(`\n\n${candlesHelp.usage}\n`)).toBe(true);
    }
  });
});

describe('the commands as a person types them', () => {
  const exec = promisify(execFile);

  it('npm run -s exgate -- --help prints the commands and exits 0', async () => {
    const r = await exec('npm', ['run', '-s', 'exgate', '--', '--help'], { cwd: repoRoot });
    expect(r).toEqual({ stdout: MAIN_HELP, stderr: '' });
  });

  it('npm run -s exgate -- frobnicate exits 2', async () => {
    await expect(exec('npm', ['run', '-s', 'exgate', '--', 'frobnicate'], { cwd: repoRoot })).rejects.toMatchObject({
      code: 2, stdout: '', stderr: `exgate: unknown command frobnicate\n\n${MAIN_HELP}`,
    });
  });

  it('npm start -- --help prints how to run the server and exits 0 without starting it', async () => {
    const r = await exec('npm', ['start', '-s', '--', '--help'], { cwd: repoRoot });
    expect(r).toEqual({ stdout: `${startHelp}\n`, stderr: '' });
    expect(startHelp.split('\n')[0]).toBe('usage: npm start [-- --replay FILE [--exchange ID] [--speed N|max]]');
    expect(startHelp).toContain('the chart is at\nhttp://127.0.0.1:8080/');
  });

  it('npm start -- with a bad option or speed exits 2 with the usage', async () => {
    for (const args of [['--bogus'], ['--replay', 'x.jsonl', '--speed', 'fast']]) {
      await expect(exec('npm', ['start', '-s', '--', ...args], { cwd: repoRoot })).rejects.toMatchObject({ code: 2, stdout: '' });
    }
    await expect(exec('npm', ['start', '-s', '--', '--speed', '0', '--replay', 'x.jsonl'], { cwd: repoRoot })).rejects.toMatchObject({
      stderr: `exgate: --speed takes a positive number or max\n\n${startHelp}\n`,
    });
  });
});
