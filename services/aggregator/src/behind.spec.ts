import { InOrderBehind } from './behind';

/** A piece of work the test finishes by hand. */
function gate(): { readonly promise: Promise<void>; open(): void; fail(error: Error): void } {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const turns = () => new Promise((resolve) => setImmediate(resolve));

describe('InOrderBehind', () => {
  it('runs pieces one at a time, in the order given, while the caller goes on', async () => {
    const behind = new InOrderBehind();
    const ran: string[] = [];
    const first = gate();
    behind.add(async () => {
      ran.push('a start');
      await first.promise;
      ran.push('a end');
    });
    behind.add(async () => {
      ran.push('b');
    });
    await turns();
    expect(ran).toEqual(['a start']);
    first.open();
    await behind.settled();
    expect(ran).toEqual(['a start', 'a end', 'b']);
  });

  it('skips every piece after a failure and throws it from check() and settled()', async () => {
    const behind = new InOrderBehind();
    const ran: string[] = [];
    const failing = gate();
    behind.add(() => failing.promise);
    behind.add(async () => {
      ran.push('after');
    });
    expect(() => behind.check()).not.toThrow();
    failing.fail(new Error('store away'));
    await behind.idle();
    expect(() => behind.check()).toThrow('store away');
    behind.add(async () => {
      ran.push('later');
    });
    await expect(behind.settled()).rejects.toThrow('store away');
    expect(ran).toEqual([]);
  });
});
