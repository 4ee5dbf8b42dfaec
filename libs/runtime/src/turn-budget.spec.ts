import { TurnBudget } from './turn-budget';

describe('TurnBudget', () => {
  const busy = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };
  const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('resolves without yielding while the budget lasts', async () => {
    const budget = new TurnBudget(1_000);
    let immediateRan = false;
    setImmediate(() => (immediateRan = true));
    for (let i = 0; i < 100; i++) await budget.pass();
    expect(immediateRan).toBe(false);
  });

  it('yields to the event loop once the turn spent the budget, then starts a new turn', async () => {
    const budget = new TurnBudget(50);
    const order: string[] = [];
    await budget.pass();
    setImmediate(() => order.push('immediate'));
    busy(60);
    await budget.pass();
    order.push('after the first yield');
    setImmediate(() => order.push('second immediate'));
    await budget.pass();
    order.push('no yield: a new turn');
    expect(order).toEqual(['immediate', 'after the first yield', 'no yield: a new turn']);
  });

  it('is one budget for all who share it, and a new one in the next turn', async () => {
    const shared = new TurnBudget(50);
    expect(shared.lasts()).toBe(true); // one socket reads…
    busy(60);
    expect(shared.lasts()).toBe(false); // …and another finds this turn's budget spent
    await immediate();
    expect(shared.lasts()).toBe(true);
    busy(20);
    expect(shared.lasts()).toBe(true);
  });

  it('maps across turns: the same values, with the loop let in once the budget is spent', async () => {
    const budget = new TurnBudget(5);
    let immediates = 0;
    const count = () => {
      immediates += 1;
      if (immediates < 1_000) setImmediate(count);
    };
    setImmediate(count);
    const items = Array.from({ length: 200 }, (_, i) => i);
    const out = await budget.map(items, (i) => {
      busy(0.1); // 200 × 0.1 ms = 20 ms: four budgets
      return i * 2;
    }, 8);
    expect(out).toEqual(items.map((i) => i * 2));
    expect(immediates).toBeGreaterThanOrEqual(3);
    // A budget never spent never yields.
    const before = immediates;
    expect(await new TurnBudget(1_000).map(items, (i) => i + 1)).toEqual(items.map((i) => i + 1));
    expect(immediates).toBe(before);
  });

  it('has one process budget that every loop and socket of the process spends from', async () => {
    await immediate(); // a turn of its own
    const { process: shared } = TurnBudget;
    expect(shared.lasts()).toBe(true); // a flush starts the turn…
    busy(12);
    let yielded = false;
    setImmediate(() => (yielded = true));
    await shared.pass(); // …and a write's rows, in the same turn, find it spent and yield
    expect(yielded).toBe(true);
    expect(shared.lasts()).toBe(true); // a new turn
  });
});
