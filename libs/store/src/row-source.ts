import { TurnBudget } from '@exgate/runtime';
import type { RowSource } from './ports';

/**
 * The items' rows as objects, in order, for a driver or a format that takes objects (JSON, the
 * server's client), made across turns of the event loop: a write's items can be many. The first
 * item the table cannot take throws, as `row` does.
 */
export function rowsOf<T>(items: readonly T[], source: RowSource<T>): Promise<Record<string, unknown>[]> {
  return TurnBudget.process.map(items, (item) => source.row(item));
}
