// Prints the suite's closing line, summed over every fault run of every spec file:
//   faults: R runs, T trades, L lost, D duplicated, W candles wrong
// The runs are the JSON lines the harness appended to FAULT_RUNS_FILE (set by global-setup.js).
const { existsSync, readFileSync, rmSync } = require('node:fs');

class FaultTotalReporter {
  onRunComplete() {
    const file = process.env.FAULT_RUNS_FILE;
    if (!file || !existsSync(file)) return;
    const runs = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
    rmSync(file, { force: true });
    if (runs.length === 0) return;
    const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
    const phantom = sum('phantom');
    // Runs per exchange (the faults field starts with it): every exchange gets its share.
    const perExchange = {};
    for (const r of runs) {
      const id = r.faults.split(':')[0];
      perExchange[id] = (perExchange[id] ?? 0) + 1;
    }
    const excused = sum('excused');
    process.stdout.write(
      `faults: seed ${runs[0].suiteSeed}, ${sum('seconds').toFixed(0)} s in runs` +
        `${phantom > 0 ? `, ${phantom} stored ids the exchange never printed` : ''}\n` +
        `faults: runs per exchange ${Object.entries(perExchange).map(([id, n]) => `${id} ${n}`).join(', ')}` +
        `${excused > 0 ? `; ${excused} prints lost in disconnections or unreadable frames where ids cannot show a loss, every one inside a candle marked gap_free: false` : ''}\n` +
        `faults: ${runs.length} runs, ${sum('trades')} trades, ${sum('lost')} lost, ` +
        `${sum('duplicated')} duplicated, ${sum('wrong')} candles wrong\n`,
    );
  }
}

module.exports = FaultTotalReporter;
