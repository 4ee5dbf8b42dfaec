import { TurnBudget } from '@exgate/runtime';
import { compactRows, utf8Lines } from './compact-rows';

/** JSONEachRow text → rows. */
export function parseJsonLines<Row>(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    if (line !== '') rows.push(JSON.parse(line) as Row);
  }
  return rows;
}

export interface InsertPayload {
  readonly format: 'JSONEachRow' | 'JSONCompactEachRow';
  /** Column order of a compact payload. */
  readonly columns?: string[];
  readonly body: Buffer;
}

/**
 * Rows → one insert payload. Rows that all carry the same keys in the same order (what one row
 * function makes) go as JSONCompactEachRow: half the bytes of JSONEachRow and noticeably faster
 * for the engine to parse. Anything else keeps the self-describing JSONEachRow. Written across
 * turns of the event loop (a write of 10,000 prints took 50–100 ms in one go, the aggregator's
 * longest stall with 500 series: ADR 0018).
 */
export async function toInsertPayload(rows: readonly Readonly<Record<string, unknown>>[], budget = TurnBudget.process): Promise<InsertPayload> {
  const columns = Object.keys(rows[0] ?? {});
  const compact = await compactRows(rows, columns, budget);
  if (compact) return { format: 'JSONCompactEachRow', columns, body: compact };
  const whole = await budget.map(rows, (r) => JSON.stringify(r));
  return { format: 'JSONEachRow', body: utf8Lines(whole) };
}
