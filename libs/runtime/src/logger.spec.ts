import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { logFormatFor } from './logger';

const exec = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const script = path.join(__dirname, 'testing', 'log-twice.ts');
const run = ['--import', 'tsx', script];

/** `script` (util-linux) gives the command a pseudo-terminal: what `npm start` in a shell sees. */
async function onTerminal(format?: string): Promise<string> {
  const command = [process.execPath, ...run, ...(format ? [format] : [])].map((a) => `'${a}'`).join(' ');
  const { stdout } = await exec('script', ['-qec', command, '/dev/null'], { cwd: repoRoot });
  return stdout;
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '');

describe('logs: readable on a terminal, JSON otherwise', () => {
  it('chooses by the destination unless told', () => {
    expect(logFormatFor('auto', { isTTY: true })).toBe('pretty');
    expect(logFormatFor('auto', { isTTY: false })).toBe('json');
    expect(logFormatFor('auto', {})).toBe('json');
    expect(logFormatFor('json', { isTTY: true })).toBe('json');
    expect(logFormatFor('pretty', { isTTY: false })).toBe('pretty');
  });

  it('a pipe gets one JSON object per line', async () => {
    const { stdout } = await exec(process.execPath, run, { cwd: repoRoot });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, name: 'exgate', service: 'exgate', url: 'http://127.0.0.1:8080', msg: 'exgate is serving' }),
      expect.objectContaining({ level: 40, name: 'exgate', component: 'collector', symbol: 'BTCUSDT', msg: 'reconnecting' }),
    ]);
  });

  it('a terminal gets one coloured line per event: time, level, component, message, the rest', async () => {
    const out = await onTerminal();
    expect(out).toContain('\x1b[32mINFO\x1b[39m');
    expect(plain(out).trim().split('\n')).toEqual([
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: exgate is serving \{"url":"http:\/\/127\.0\.0\.1:8080"\}$/),
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: collector: reconnecting \{"symbol":"BTCUSDT"\}$/),
    ]);
  });

  it('json, when asked (LOG_FORMAT=json), stays JSON on a terminal (a container run with -t)', async () => {
    const lines = plain(await onTerminal('json')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['exgate is serving', 'reconnecting']);
  });
});
