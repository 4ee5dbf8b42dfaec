import type { Trade } from '@exgate/domain';
import { Liveness } from './liveness';

const print = (eventTimeMs: number, receivedAtMs: number): Trade => ({
  exchange: 'x', symbol: 'S', kind: 'trade', id: eventTimeMs, firstTradeId: eventTimeMs, lastTradeId: eventTimeMs, price: '1', qty: '1',
  isBuyerMaker: false, market: true, exchangeTimeMs: eventTimeMs, eventTimeMs, receivedAtMs,
});

describe('Liveness: where a loss starts', () => {
  function vouchedPastTheLastPrint(): Liveness {
    const l = new Liveness();
    l.up();
    l.observe([print(1_000, 1_000)]);
    // A heartbeat answered 10 s later: the stream vouches up to 11 s less the allowance.
    l.alive(11_000);
    l.vouched(l.watermark(1_000)!);
    return l;
  }

  it('after a plain disconnection, at what the heartbeats vouched for', () => {
    const l = vouchedPastTheLastPrint();
    l.down();
    expect(l.takeLoss(20_000)).toEqual({ fromMs: 10_000, toMs: 20_000 });
  });

  it('after a plain disconnection before a watermark was sent, at the last print received, by its own time', () => {
    const l = new Liveness();
    l.up();
    // Its event came 10 ms after the trade: a print lost right after it may be older than the event.
    l.observe([{ ...print(2_000, 2_000), exchangeTimeMs: 1_990 }]);
    l.down();
    expect(l.takeLoss(3_000)).toEqual({ fromMs: 1_990, toMs: 3_000 });
    // No print on the connection, no loss: nothing was live to lose.
    const quiet = new Liveness();
    quiet.up();
    quiet.observe([]);
    quiet.down();
    expect(quiet.takeLoss(3_000)).toBeNull();
  });

  it('after a sequence gap, at the last print received: the heartbeats could not see a message never sent', () => {
    const l = vouchedPastTheLastPrint();
    l.down(true);
    expect(l.takeLoss(20_000)).toEqual({ fromMs: 1_000, toMs: 20_000 });
    const late = new Liveness();
    late.up();
    late.observe([{ ...print(2_000, 2_000), exchangeTimeMs: 1_990 }]);
    late.down(true);
    expect(late.takeLoss(3_000)).toEqual({ fromMs: 1_990, toMs: 3_000 });
  });

  it('after an unreadable frame, at the last print received, vouching for nothing until the next print', () => {
    const l = vouchedPastTheLastPrint();
    l.unread();
    // The connection stays up and answers heartbeats, yet the lost print may lie anywhere after 1 s.
    l.alive(30_000);
    expect(l.watermark(1_000)).toBeNull();
    // A second unreadable frame before any print keeps where the loss began.
    l.unread();
    l.observe([print(20_000, 31_000)]);
    expect(l.takeLoss(20_000)).toEqual({ fromMs: 1_000, toMs: 20_000 });
    expect(l.watermark(1_000)).toBe(19_000);
    expect(l.takeLoss(21_000)).toBeNull();
    // From the print's own time, not its event time: the lost print may be older than that event.
    const late = new Liveness();
    late.up();
    late.observe([{ ...print(2_000, 2_000), exchangeTimeMs: 1_990 }]);
    late.unread();
    expect(late.takeLoss(3_000)).toEqual({ fromMs: 1_990, toMs: 3_000 });
  });

  it('an unreadable frame before any live print leaves an earlier loss as it was, and declares none of its own', () => {
    const l = vouchedPastTheLastPrint();
    l.down();
    l.up();
    l.unread();
    expect(l.takeLoss(20_000)).toEqual({ fromMs: 10_000, toMs: 20_000 });
    const fresh = new Liveness();
    fresh.up();
    fresh.unread();
    expect(fresh.takeLoss(5_000)).toBeNull();
  });

  it('a loss no print closed is declared from where it starts to the last print received, once', () => {
    const l = vouchedPastTheLastPrint();
    l.down();
    expect(l.takeOpenLoss()).toEqual({ fromMs: 10_000, toMs: 10_000 });
    expect(l.takeOpenLoss()).toBeNull();
    expect(l.takeLoss(20_000)).toBeNull();
    // Vouched short of the last print (the latency allowance): the span reaches the print.
    const behind = new Liveness();
    behind.up();
    behind.observe([print(5_000, 5_000)]);
    behind.vouched(behind.watermark(2_000)!);
    behind.down();
    expect(behind.takeOpenLoss()).toEqual({ fromMs: 3_000, toMs: 5_000 });
  });
});
