import { Partitioners } from 'kafkajs';
import { murmur2, partitionOfKey } from './murmur2';

describe('Kafka key partitioning', () => {
  // The oracle: kafkajs's default partitioner (murmur2 in 64-bit Long arithmetic, the Java client's).
  const kafkajs = Partitioners.DefaultPartitioner();
  const metadata = (n: number) => Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  const keys = [
    '', 'a', 'ab', 'abc', 'abcd', 'abcde',
    'binance-usdm:BTCUSDT', 'binance-usdm:BTCUSDT:1s', 'hotbit:ETH_USDT:1M:1719792000000',
    'coinbase-intx:BTC-PERP:1h', 'bybit:BTCUSDT:15m:1721260800000', 'Ünïcödé ключ 鍵 🔑',
  ];
  for (let i = 0; i < 2000; i++) keys.push(`okx:SYM${(i * 7919) % 10007}-USDT:${['1s', '5m', '1d'][i % 3]}:${1_700_000_000_000 + i * 60_000}`);

  it.each([1, 3, 12, 64])('gives every key the partition kafkajs (and Java) give it, over %i partitions', (n) => {
    const partitionMetadata = metadata(n);
    const ours = keys.map((key) => partitionOfKey(key, n));
    const theirs = keys.map((key) => kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } }));
    expect(ours).toEqual(theirs);
    if (n > 1) expect(new Set(ours).size).toBe(n);
  });

  it('hashes as the Java client does (the cases of kafka\'s UtilsTest.testMurmur2)', () => {
    const java: Record<string, number> = {
      '21': -973932308, foobar: -790332482, 'a-little-bit-long-string': -985981536, 'a-little-bit-longer-string': -1486304829,
      lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8: -58897971, abc: 479470107,
    };
    expect(Object.fromEntries(Object.keys(java).map((k) => [k, murmur2(k)]))).toEqual(java);
  });
});
