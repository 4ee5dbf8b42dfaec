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

  it('after a sequence gap, at the last print received: the heartbeats could not see a message never sent', () => {
    const l = vouchedPastTheLastPrint();
    l.down(true);
    expect(l.takeLoss(20_000)).toEqual({ fromMs: 1_000, toMs: 20_000 });
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
