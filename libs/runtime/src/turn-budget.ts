/**
 * Keeps a long loop from holding the event loop: `await budget.pass()` between steps yields once
 * (a setImmediate: timers, sockets and Kafka heartbeats run meanwhile) when the loop has run
 * `budgetMs` since it started or last yielded, and resolves at once otherwise. The time read is
 * the process's own monotonic clock: this paces the loop, it measures nothing the data depends on.
 */
export class TurnBudget {
  private startedAtMs = performance.now();

  constructor(private readonly budgetMs: number) {}

  async pass(): Promise<void> {
    if (performance.now() - this.startedAtMs < this.budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.startedAtMs = performance.now();
  }
}
