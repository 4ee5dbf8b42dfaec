import { TurnBudget } from './turn-budget';

describe('TurnBudget', () => {
  const busy = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };

  it('resolves without yielding while the budget lasts', async () => {
    const budget = new TurnBudget(1_000);
    let immediateRan = false;
    setImmediate(() => (immediateRan = true));
    for (let i = 0; i < 100; i++) await budget.pass();
    expect(immediateRan).toBe(false);
  });

  it('yields to the event loop once the budget is spent, then starts a new one', async () => {
    const budget = new TurnBudget(50);
    const order: string[] = [];
    setImmediate(() => order.push('immediate'));
    busy(60);
    await budget.pass();
    order.push('after the first yield');
    setImmediate(() => order.push('second immediate'));
    await budget.pass();
    order.push('no yield: a new budget');
    expect(order).toEqual(['immediate', 'after the first yield', 'no yield: a new budget']);
  });
});
