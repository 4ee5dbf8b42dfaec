/**
 * Work that runs behind its caller, one piece at a time in the order given. The first failure
 * skips every piece after it; `check()` throws it as soon as it is known, `settled()` once all is
 * done. No rejection goes unhandled.
 */
export class InOrderBehind {
  private tail: Promise<void> = Promise.resolve();
  private failure: { readonly error: unknown } | null = null;

  add(work: () => Promise<void>): void {
    this.tail = this.tail.then(async () => {
      if (this.failure) return;
      try {
        await work();
      } catch (error) {
        this.failure = { error };
      }
    });
  }

  /** Throws the first failure known so far. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Resolves once every piece added so far has run or been skipped. */
  idle(): Promise<void> {
    return this.tail;
  }

  /** idle(), then check(). */
  async settled(): Promise<void> {
    await this.tail;
    this.check();
  }
}
