import fc from 'fast-check';
import assert from 'node:assert/strict';

/**
 * Frames for the property tests that hold an exchange's fast path to its full mapper
 * (docs/adr/0019-trade-path.md): well-formed frames as the exchange sends them, and the same
 * frames damaged in every way a validator can get wrong — a member dropped, duplicated (JSON.parse
 * keeps the last), swapped with its neighbour, given a value of the wrong type or another channel's
 * name, an extra member, whitespace between tokens, text after the frame, or a frame of another
 * kind altogether (answers, commands, other channels). One generator for every exchange: each
 * gives its well-formed frames and the values, keys and frames that matter to it.
 */

/** A JSON value for `frameText`: `RawJson` stands for a number written as the exchange writes it. */
export type JsonInput = null | boolean | number | string | RawJson | readonly JsonInput[] | { readonly [key: string]: JsonInput | undefined };

/** A value's JSON text as it is to appear (HotBit's `1512454847.1887960`, which JSON.stringify would shorten). */
export class RawJson {
  constructor(readonly text: string) {}
}

export interface MutationOptions {
  /** JSON texts to put in place of any value: the exchange's other channels, names, sides, odd numbers. */
  readonly values?: readonly string[];
  /** Keys to add or to put in place of a key: its fields, its command and answer keys. */
  readonly keys?: readonly string[];
  /** Whole frames of other kinds (answers, pongs, other channels), sent as they are. */
  readonly others?: readonly string[];
}

/** Values of the wrong type, or numbers JSON.parse reads differently from their digits. Every exchange gets these. */
export const ODD_VALUES: readonly string[] = [
  'null', 'true', 'false', '0', '-1', '1.5', '1e3', '-0', '1234567890123456', '12345678901234567890', '1e400',
  '""', '"x"', '"0"', '"-1.5"', '"1e3"', '" 1"', '"NaN"', '"a\\"b"', '"\\u0041"', '{}', '[]', '[1]', '{"a":1}',
];

/**
 * Decimal strings as exchanges send them (weight 8), and texts a decimal check must refuse or
 * that sit on its edges (zero, leading zeros, lone points, exponents, signs, 40 and 41 characters).
 */
export const decimalText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.tuple(fc.nat({ max: 99_999 }), fc.option(fc.stringMatching(/^\d{1,8}$/), { nil: undefined }))
      .map(([whole, fraction]) => (fraction === undefined ? String(whole) : `${whole}.${fraction}`)),
  },
  { weight: 2, arbitrary: fc.constantFrom('0', '0.000', '0.001', '01.5', '1.', '.5', '1e3', '-1.5', '-0', ' 1', 'NaN', '', '1'.repeat(41), '1'.repeat(40), '63943.90') },
);

/** Exchange times in ms around `receivedAtMs`: mostly plausible, some on or past the edges (before 2017, over 1 h ahead, seconds, µs). */
export function timeMs(receivedAtMs: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: Date.UTC(2017, 0, 1), max: receivedAtMs + 3_600_000 }) },
    { weight: 1, arbitrary: fc.constantFrom(1721347022, 1721347022956000, receivedAtMs + 3_600_001, 1483228800000, 1483228799999) },
  );
}

type Node = { readonly raw: string } | { readonly members: [string, Node][] } | { readonly items: Node[] };

function toNode(value: JsonInput): Node {
  if (value instanceof RawJson) return { raw: value.text };
  if (Array.isArray(value)) return { items: (value as readonly JsonInput[]).map(toNode) };
  if (typeof value === 'object' && value !== null) {
    return { members: Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toNode(v!)]) };
  }
  return { raw: JSON.stringify(value) };
}

/** Every object and array of the tree, outermost first. */
function containers(node: Node, into: Node[] = []): Node[] {
  if ('members' in node) {
    into.push(node);
    for (const [, v] of node.members) containers(v, into);
  } else if ('items' in node) {
    into.push(node);
    for (const v of node.items) containers(v, into);
  }
  return into;
}

type Mutation =
  | { readonly kind: 'value' | 'duplicate' | 'extra' | 'rename'; readonly at: number; readonly member: number; readonly key: string; readonly json: string }
  | { readonly kind: 'drop' | 'swap'; readonly at: number; readonly member: number };

function mutate(root: Node, m: Mutation): void {
  const all = containers(root);
  const node = all[m.at % all.length]!;
  const list: unknown[] = 'members' in node ? node.members : 'items' in node ? node.items : [];
  const i = list.length === 0 ? 0 : m.member % list.length;
  const value: Node = 'json' in m ? { raw: m.json } : { raw: 'null' };
  const newKey = 'key' in m ? m.key : '';
  const entry = (key: string) => ('members' in node ? [key, value] : value);
  const keyAt = (): string => ('members' in node ? node.members[i]?.[0] ?? newKey : '');
  switch (m.kind) {
    case 'value': if (list.length > 0) list[i] = entry(keyAt()); break;
    case 'duplicate': if (list.length > 0) list.splice(i + 1, 0, entry(keyAt())); break;
    case 'extra': list.push(entry(newKey)); break;
    case 'rename': if ('members' in node && list.length > 0) node.members[i] = [newKey, node.members[i]![1]]; break;
    case 'drop': list.splice(i, 1); break;
    case 'swap': if (i + 1 < list.length) [list[i], list[i + 1]] = [list[i + 1], list[i]]; break;
  }
}

/** The tree as JSON text, with `space` after the `spaceAt`-th token (none when it is past the end). */
function print(root: Node, spaceAt: number, space: string): string {
  let token = 0;
  const gap = () => (token++ === spaceAt ? space : '');
  const text = (node: Node): string => {
    if ('raw' in node) return node.raw;
    if ('items' in node) return `[${gap()}${node.items.map((v) => `${text(v)}${gap()}`).join(',')}]`;
    return `{${gap()}${node.members.map(([k, v]) => `${JSON.stringify(k)}${gap()}:${gap()}${text(v)}`).join(',')}}`;
  };
  return text(root);
}

/**
 * Frames for a fast path's property test: `wellFormed` frames (about half untouched), the others
 * with one to three mutations, whitespace, trailing text, or replaced by one of `options.others`.
 */
export function mutatedFrames(wellFormed: fc.Arbitrary<JsonInput>, options: MutationOptions = {}): fc.Arbitrary<string> {
  const values = [...ODD_VALUES, ...(options.values ?? [])];
  const keys = ['x', 'id', 'type', 'data', 'event', 'result', 'error', '', ...(options.keys ?? [])];
  const json = fc.constantFrom(...values);
  const key = fc.constantFrom(...keys);
  const position = { at: fc.nat(40), member: fc.nat(20) };
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('value' as const), ...position, key, json }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), ...position, key, json }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('extra' as const), ...position, key, json }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), ...position, key, json }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), ...position }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), ...position }) },
  );
  const damaged = fc.record({
    frame: wellFormed,
    mutations: fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, { weight: 5, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
    spaceAt: fc.oneof({ weight: 8, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: fc.nat(60) }),
    space: fc.constantFrom(' ', '\n', '\t', '\r\n'),
    tail: fc.oneof({ weight: 18, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.constantFrom(' ', '\n', 'x', '}', ']', ',') }),
  }).map(({ frame, mutations, spaceAt, space, tail }) => {
    const root = toNode(frame);
    for (const m of mutations) mutate(root, m);
    return `${print(root, spaceAt, space)}${tail}`;
  });
  const others = options.others ?? [];
  return others.length === 0 ? damaged : fc.oneof({ weight: 9, arbitrary: damaged }, { weight: 1, arbitrary: fc.constantFrom(...others) });
}

/** Well-formed frames only, printed as the exchange prints them: the ones a fast path must take. */
export function wellFormedFrames(wellFormed: fc.Arbitrary<JsonInput>): fc.Arbitrary<string> {
  return wellFormed.map((frame) => print(toNode(frame), -1, ''));
}

/** A mapper's answer, or null when the fast path alone gives none (it only accepts). */
type Answer = (raw: string) => { readonly type: string } | null;

export interface FastPathCase {
  /** The mapper with its fast path, and the full mapper (JSON.parse and zod) it must agree with. */
  readonly mapper: Answer;
  readonly full: Answer;
  /** The answer of the fast path alone (`{ type: 'trades', … }`), or null where it does not accept. */
  readonly fastOnly: Answer;
  readonly wellFormed: fc.Arbitrary<JsonInput>;
  readonly options: MutationOptions;
}

/**
 * The two properties of a fast path. `agrees`: frame after frame, the mapper with its fast path
 * answers exactly (deep, strict: same trades, same rejection and words) what the full mapper
 * answers. `takesFastPath`: every well-formed frame the full mapper accepts is taken by the fast
 * path alone, with the same answer (the fast path is not silently bypassed).
 */
export function fastPathProperties(c: FastPathCase): { agrees: fc.IProperty<[string[]]>; takesFastPath: fc.IProperty<[string]> } {
  const agrees = fc.property(fc.array(mutatedFrames(c.wellFormed, c.options), { minLength: 1, maxLength: 20 }), (raws) => {
    for (const raw of raws) assert.deepStrictEqual(c.mapper(raw), c.full(raw), raw);
  });
  const accepted = wellFormedFrames(c.wellFormed).filter((raw) => c.full(raw)?.type === 'trades');
  const takesFastPath = fc.property(accepted, (raw) => assert.deepStrictEqual(c.fastOnly(raw), c.full(raw), raw));
  return { agrees, takesFastPath };
}

/** The two properties as jest tests of the enclosing `describe`. */
export function itAgreesWithFullMapper(c: FastPathCase): void {
  const { agrees, takesFastPath } = fastPathProperties(c);
  it('on every generated frame, the same answer (the same trades, or the same rejection in the same words)', () => fc.assert(agrees, { numRuns: 400 }));
  it('takes the fast path for every well-formed frame the full mapper accepts, with the same trades', () => fc.assert(takesFastPath, { numRuns: 200 }));
}

/** The fast path's trades as the mapper answers them; null stays null. */
export function trades<T>(read: readonly T[] | null): { readonly type: 'trades'; readonly trades: readonly T[] } | null {
  return read && { type: 'trades', trades: read };
}
