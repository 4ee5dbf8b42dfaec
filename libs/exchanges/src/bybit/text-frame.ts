import type { Trade } from '@exgate/domain';
import { isPositiveDecimalText } from '../common/decimal';
import { isPlausibleMs, literalPattern } from '../common/frame';
import { exgateSymbol, symbolPatternOf, TOPIC_PREFIX, type Category } from './constants';
import { bybitTrade } from './trade';

/**
 * Bybit's text path (docs/adr/0019-trade-path.md), before JSON.parse: a `publicTrade` push printed
 * as Bybit prints it (its keys in one of Bybit's orders, no whitespace, no escapes) read by two
 * regular expressions, then the fast path's checks. It only ever accepts, as `fastTrades` does:
 * anything else (another order, an unknown key, a number JSON may spell otherwise) is null and
 * goes to JSON.parse, `fastTrades`, then the full mapper. fast-frame.property.spec.ts holds it
 * equal to the full mapper.
 */
export function textTrades(raw: string, receivedAtMs: number, category: Category | undefined): Trade[] | null {
  for (const layout of LAYOUTS) {
    const head = layout.head.exec(raw);
    if (head !== null) return fills(raw, head, layout, receivedAtMs, category);
  }
  return null;
}

/** A character of a JSON string that stands for itself (JSON.parse gives the text as it is). */
const CHAR = String.raw`[^"\\\x00-\x1f]`;
/** A JSON integer of at most 15 digits: Number() reads it exactly. */
const INT = String.raw`(-?(?:0|[1-9]\d{0,14}))`;
const MS = String.raw`(0|[1-9]\d{0,14})`;

/** Each member's value, one capturing group each. */
const VALUES = {
  topic: `"${literalPattern(TOPIC_PREFIX)}(${CHAR}*)"`, type: `"(${CHAR}*)"`, ts: MS,
  T: MS, s: `"(${CHAR}*)"`, S: '"(Buy|Sell)"', v: `"(${CHAR}*)"`, p: `"(${CHAR}*)"`, L: `"(${CHAR}*)"`,
  i: `"(${CHAR}{1,64})"`, BT: '(true|false)', RPI: '(true|false)', seq: INT,
} as const;
type Key = keyof typeof VALUES;

interface Layout {
  /** The push up to its first fill: `{"topic":…,"data":[`. */
  readonly head: RegExp;
  /** One fill and the `,` or `]` after it; sticky, read where the last one ended. */
  readonly fill: RegExp;
  /** Each member's group in `head` or `fill`, and `next`: the separator's. */
  readonly at: Readonly<Partial<Record<Key | 'next', number>>>;
}

/** `keys` in order, a trailing `?` making one optional → the members' pattern and their groups. */
function members(keys: readonly string[], at: Partial<Record<Key | 'next', number>>): string {
  let group = 0;
  return keys.map((spelled, n) => {
    const key = spelled.replace('?', '') as Key;
    at[key] = ++group;
    const member = `${n === 0 ? '' : ','}"${key}":${VALUES[key]}`;
    return spelled.endsWith('?') ? `(?:${member})?` : member;
  }).join('');
}

function layout(headKeys: readonly string[], fillKeys: readonly string[]): Layout {
  const headAt: Partial<Record<Key | 'next', number>> = {};
  const head = new RegExp(`^\\{${members(headKeys, headAt)},"data":\\[`);
  const at: Partial<Record<Key | 'next', number>> = {};
  const fill = new RegExp(`\\{${members(fillKeys, at)}\\}([,\\]])`, 'y');
  at.next = fillKeys.length + 1;
  return { head, fill, at: { ...at, topic: headAt.topic, ts: headAt.ts } };
}

/** Derivatives (and the documentation's example), and spot as recorded in 2023. */
const LAYOUTS: readonly Layout[] = [
  layout(['topic', 'type', 'ts'], ['T', 's', 'S', 'v', 'p', 'L?', 'i', 'BT?', 'RPI?', 'seq?']),
  layout(['topic', 'ts', 'type'], ['i', 'T', 'p', 'v', 'S', 's', 'BT?', 'RPI?', 'seq?']),
];

function fills(raw: string, head: RegExpExecArray, layout: Layout, receivedAtMs: number, category: Category | undefined): Trade[] | null {
  const { fill: pattern, at } = layout;
  const wire = head[at.topic!]!;
  const ts = Number(head[at.ts!]);
  if (!isPlausibleMs(ts, receivedAtMs)) return null;
  let symbol = '';
  const trades: Trade[] = [];
  pattern.lastIndex = head[0].length;
  for (;;) {
    const fill = pattern.exec(raw);
    if (fill === null || fill[at.s!] !== wire) return null;
    if (trades.length === 0) {
      // As the full mapper: a push read on its own is linear when its first fill carries `L`.
      const market = category ?? (at.L === undefined || fill[at.L] === undefined ? 'spot' : 'linear');
      symbol = exgateSymbol(market, wire);
      if (!symbolPatternOf(market).test(symbol)) return null;
    }
    const price = fill[at.p!]!;
    const size = fill[at.v!]!;
    const tradeTimeMs = Number(fill[at.T!]);
    if (!isPositiveDecimalText(price) || !isPositiveDecimalText(size) || !isPlausibleMs(tradeTimeMs, receivedAtMs)) return null;
    trades.push(bybitTrade({
      symbol, sourceId: fill[at.i!]!, price, size, takerSide: fill[at.S!] as 'Buy' | 'Sell',
      blockTrade: fill[at.BT!] === 'true', rpiTrade: fill[at.RPI!] === 'true', tradeTimeMs, eventTimeMs: ts, receivedAtMs,
    }));
    if (fill[at.next!] === ']') return pattern.lastIndex === raw.length - 1 && raw.charCodeAt(pattern.lastIndex) === CLOSE ? trades : null;
  }
}

const CLOSE = 125; // }
