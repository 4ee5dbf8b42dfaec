import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fixturePath, repoRoot } from '@exgate/testing';
import { AUTO_MIN_BYTES, bytes, createProgress, duration, type ProgressMode } from './progress';

const MiB = 1024 * 1024;

/** A pretend stderr and clock. */
function sink(isTTY: boolean, columns?: number) {
  let nowMs = 1_000_000;
  const writes: string[] = [];
  return {
    writes,
    tick: (ms: number) => (nowMs += ms),
    options: (totalBytes: number, mode: ProgressMode = 'auto') => ({
      label: 'candles', totalBytes, mode, nowMs: () => nowMs,
      sink: { isTTY, ...(columns === undefined ? {} : { columns }), write: (s: string) => writes.push(s) },
    }),
  };
}

describe('progress on stderr', () => {
  it('off a terminal: a plain line at each tenth with rate and ETA, then one with the time taken', () => {
    const s = sink(false);
    const p = createProgress(s.options(100 * MiB));
    for (let done = 5 * MiB; done <= 100 * MiB; done += 5 * MiB) {
      s.tick(250); // 20 MiB/s
      p.update(done);
    }
    p.finish(100 * MiB);
    expect(s.writes).toEqual([
      'candles: 10% 10.0 MiB of 100.0 MiB, 20.0 MiB/s, ETA 0:05\n',
      'candles: 20% 20.0 MiB of 100.0 MiB, 20.0 MiB/s, ETA 0:04\n',
      'candles: 30% 30.0 MiB of 100.0 MiB, 20.0 MiB/s, ETA 0:04\n',
      'candles: 40% 40.0 MiB of 100.0 MiB, 20.0 MiB/s, ETA 0:03\n',
      'candles: 50% 50.0 MiB of 100.0 MiB, 20.0 MiB/s, ETA 0:03\n',
      'candles: 60% 60.0 MiB of 100.0 MiB, 20.0 MiB/s, ETA 0:02\n',
      'candles: 70% 70.0 MiB of 100.0 MiB, 20.0 MiB/s, ETA 0:02\n',
      'candles: 80% 80.0 MiB of 100.0 MiB, 20.0 MiB/s, ETA 0:01\n',
      'candles: 90% 90.0 MiB of 100.0 MiB, 20.0 MiB/s, ETA 0:01\n',
      'candles: 100% 100.0 MiB of 100.0 MiB, 20.0 MiB/s, done in 0:05\n',
    ]);
  });

  it('on a terminal: one bar redrawn in place, at most 10 times a second, cut to the width, ended by a newline', () => {
    const s = sink(true, 120);
    const p = createProgress(s.options(64 * MiB));
    s.tick(1000);
    p.update(16 * MiB);
    s.tick(50);
    p.update(17 * MiB); // within 100 ms of the last draw: not drawn
    s.tick(950);
    p.update(32 * MiB);
    p.finish(64 * MiB);
    expect(s.writes).toEqual([
      '\rcandles [█████░░░░░░░░░░░░░░░]  25%  16.0 MiB/64.0 MiB  16.0 MiB/s  ETA 0:03\x1b[K',
      '\rcandles [██████████░░░░░░░░░░]  50%  32.0 MiB/64.0 MiB  16.0 MiB/s  ETA 0:02\x1b[K',
      '\rcandles [████████████████████] 100%  64.0 MiB/64.0 MiB  32.0 MiB/s  done in 0:02\x1b[K',
      '\n',
    ]);

    const narrow = sink(true, 40);
    createProgress(narrow.options(64 * MiB)).update(MiB);
    expect(narrow.writes).toEqual(['\rcandles [░░░░░░░░░░░░░░░░░░░░]   1%  1.\x1b[K']);
  });

  it('auto stays quiet for a small file; never is always quiet; always shows a small one too', () => {
    for (const [mode, totalBytes, tty, shown] of [
      ['auto', AUTO_MIN_BYTES - 1, true, false], ['auto', AUTO_MIN_BYTES - 1, false, false], ['auto', AUTO_MIN_BYTES, false, true],
      ['never', 1024 * MiB, true, false], ['always', 1000, false, true], ['always', 1000, true, true],
    ] as const) {
      const s = sink(tty);
      const p = createProgress(s.options(totalBytes, mode));
      s.tick(1000);
      p.update(totalBytes);
      p.finish(totalBytes);
      expect([mode, totalBytes, tty, s.writes.length > 0]).toEqual([mode, totalBytes, tty, shown]);
    }
  });

  it('writes sizes and times for people', () => {
    expect([bytes(0), bytes(1023), bytes(1536), bytes(5 * MiB), bytes(3.25 * 1024 * MiB)]).toEqual(['0 B', '1023 B', '1.5 KiB', '5.0 MiB', '3.3 GiB']);
    expect([duration(0), duration(7), duration(59.2), duration(750), duration(3723)]).toEqual(['0:00', '0:07', '1:00', '12:30', '1:02:03']);
  });
});

describe('exgate candles --progress, as a process', () => {
  const exec = promisify(execFile);
  const cli = [process.execPath, '--import', 'tsx', path.join(repoRoot, 'services', 'exgate', 'src', 'cli.ts')];
  const input = fixturePath('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');
  const args = ['candles', '--exchange', 'fbinance', '--input', input, '--interval', '1m', '--progress', 'always'];

  it('off a terminal: lines on stderr, the summary last, the CSV untouched on stdout', async () => {
    const { stdout, stderr } = await exec(cli[0]!, [...cli.slice(1), ...args], { cwd: repoRoot });
    const lines = stderr.trim().split('\n');
    const progress = lines.slice(0, -1);
    expect(progress.length).toBeGreaterThanOrEqual(5);
    for (const line of progress.slice(0, -1)) expect(line).toMatch(/^candles: \d{2}% [\d.]+ [KM]iB of 1\.7 MiB, [\d.]+ [KM]iB\/s, ETA \d+:\d\d$/);
    expect(progress[progress.length - 1]).toMatch(/^candles: 100% 1\.7 MiB of 1\.7 MiB, [\d.]+ [KM]iB\/s, done in \d+:\d\d$/);
    const percents = progress.map((l) => Number(/ (\d+)%/.exec(l)![1]));
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(new Set(percents.map((p) => Math.floor(p / 10))).size).toBe(percents.length);
    expect(JSON.parse(lines[lines.length - 1]!)).toMatchObject({ summary: { prints: 10_701 } });
    expect(stdout.split('\n')[0]).toBe('open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore');
    expect(stdout).not.toContain('candles');
  });

  it('on a terminal (a pseudo-terminal from script): the bar on stderr ends at 100% with the time taken', async () => {
    // stdout goes to /dev/null inside; what `script` prints is the terminal: stderr only.
    const command = `${[...cli, ...args].map((a) => `'${a}'`).join(' ')} >/dev/null`;
    const { stdout: terminal } = await exec('script', ['-qec', command, '/dev/null'], { cwd: repoRoot });
    const frames = terminal.split('\r').filter((f) => f.startsWith('candles ['));
    expect(frames.length).toBeGreaterThanOrEqual(1);
    expect(frames[frames.length - 1]).toMatch(/^candles \[█{20}\] 100% {2}1\.7 MiB\/1\.7 MiB {2}[\d.]+ [KM]iB\/s {2}done in \d+:\d\d\x1b\[K$/);
    expect(terminal).toContain('\x1b[K');
    expect(terminal).toMatch(/\{"summary":\{"lines":10701,"prints":10701,/);
  });
});
