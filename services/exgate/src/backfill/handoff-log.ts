import type { TradeBatch } from '@exgate/domain';
import type { TradeDelivery, TradeLogReader } from '@exgate/bus';

/**
 * A trade log of one producer and one consumer, with no buffer: `deliver` resolves once the
 * consumer (the aggregator) has stored the batch. The download goes at the store's pace, and a
 * failed write fails the download at the page that caused it.
 */
export class HandoffLog implements TradeLogReader {
  private handler: ((deliveries: readonly TradeDelivery[]) => Promise<void>) | null = null;
  private readonly started: Promise<void>;
  private start!: () => void;
  private finish: (() => void) | null = null;
  private offset = 0;

  constructor() {
    this.started = new Promise((resolve) => {
      this.start = resolve;
    });
  }

  run(handler: (deliveries: readonly TradeDelivery[]) => Promise<void>): Promise<void> {
    this.handler = handler;
    this.start();
    return new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  async deliver(batch: TradeBatch): Promise<void> {
    await this.started;
    await this.handler!([{ batch, partition: 0, lastOffset: String(this.offset++) }]);
  }

  async close(): Promise<void> {
    this.finish?.();
  }
}
