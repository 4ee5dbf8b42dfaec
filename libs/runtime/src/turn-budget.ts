/**
 * A time budget per turn of the event loop, so that long work leaves room for timers, sockets and
 * Kafka heartbeats. A turn starts with the first call in it and ends when the event loop next
 * runs its immediates. A budget shared is one turn for all who spend from it: the process's
 * sockets and long loops all spend from TurnBudget.process, so together they hold the loop no
 * longer than it allows. The time read is the process's own
 * monotonic clock: this paces work, it measures nothing the data depends on.
 */
/**
 * The budget the services' long loops use (a flush, a fetched group, a write's candles): short
 * enough that timers, heartbeats and sockets wait at most about this long, long enough that the
 * yields cost nothing measurable (ADR 0018).
 */
export const TURN_BUDGET_MS = 5;

export class TurnBudget {
  /**
   * The process's budget, which every long loop and every socket of the process spends from: a
   * flush, a fetched group, a write's rows and the sockets' reading together hold a turn at most
   * about TURN_BUDGET_MS. Each with a budget of its own held it that long apiece, one after the
   * other (ADR 0018, fourth pass).
   */
  static readonly process = new TurnBudget();

  private startedAtMs: number | null = null;

  constructor(private readonly budgetMs = TURN_BUDGET_MS) {}

  /** True while this turn's budget lasts (the first call of a turn starts it). */
  lasts(): boolean {
    const now = performance.now();
    if (this.startedAtMs === null) {
      this.startedAtMs = now;
      setImmediate(() => {
        this.startedAtMs = null;
      });
      return true;
    }
    return now - this.startedAtMs < this.budgetMs;
  }

  /**
   * For a loop of awaited steps: resolves at once while the budget lasts, and otherwise yields once
   * (a setImmediate), after which the next call starts a new turn.
   */
  async pass(): Promise<void> {
    if (this.lasts()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /**
   * items.map(fn) across turns: yields whenever the budget is spent (looked at every `every`
   * items, so one look costs nothing beside fn). For synchronous work over a batch whose size
   * the caller does not bound, such as a write's rows.
   */
  async map<T, R>(items: readonly T[], fn: (item: T) => R, every = 64): Promise<R[]> {
    const out = new Array<R>(items.length);
    for (let i = 0; i < items.length; i++) {
      if (i % every === 0) await this.pass();
      out[i] = fn(items[i]!);
    }
    return out;
  }
}
