import { systemClock, silentLogger } from '@exgate/runtime';
import { EXCHANGES, resolveExchange } from './registry';

describe('resolveExchange', () => {
  it('finds Binance USDⓈ-M by its id and by the old name fbinance, in any case', () => {
    expect(resolveExchange('binance-usdm')?.info.id).toBe('binance-usdm');
    expect(resolveExchange('fbinance')?.info.id).toBe('binance-usdm');
    expect(resolveExchange(' FBinance ')?.info.id).toBe('binance-usdm');
  });

  it('finds Binance spot by its id and by the name binance', () => {
    expect(resolveExchange('binance-spot')?.info.id).toBe('binance-spot');
    expect(resolveExchange('Binance')?.info.id).toBe('binance-spot');
  });

  it('answers undefined for exchanges it does not know', () => {
    expect(resolveExchange('kraken')).toBeUndefined();
    expect(resolveExchange('binance-coinm')).toBeUndefined();
    expect(resolveExchange('')).toBeUndefined();
  });

  it('lists each id and alias once across modules', () => {
    const names = EXCHANGES.flatMap((m) => [m.info.id, ...m.info.aliases]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('creates an adapter whose info, mapper, feed kind and REST follow the options', () => {
    const adapter = resolveExchange('fbinance')!.create({ clock: systemClock, logger: silentLogger(), tradeKind: 'trade' });
    expect(adapter.info).toMatchObject({ id: 'binance-usdm', tradeKind: 'trade', intervals: expect.not.arrayContaining(['1s']) });
    expect(adapter.info.symbolPattern.test('BTCUSDT')).toBe(true);
    expect(adapter.info.symbolPattern.test('btc-usdt')).toBe(false);
    expect(adapter.parseFrame('{"result":null,"id":1}', 0)).toEqual({ type: 'control', detail: 'ack id=1' });
  });
});
