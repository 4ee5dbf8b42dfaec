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
 * Rows → one insert payload. Rows that all carry the same keys go as JSONCompactEachRow: half
 * the bytes of JSONEachRow and noticeably faster for the engine to parse. Anything else keeps
 * the self-describing JSONEachRow.
 */
export function toInsertPayload(rows: readonly Readonly<Record<string, unknown>>[]): InsertPayload {
  const columns = Object.keys(rows[0] ?? {});
  const lines: string[] = [];
  for (const row of rows) {
    const values = columns.map((c) => row[c]);
    if (Object.keys(row).length !== columns.length || values.includes(undefined)) {
      return { format: 'JSONEachRow', body: Buffer.from(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`, 'utf8') };
    }
    lines.push(JSON.stringify(values));
  }
  return { format: 'JSONCompactEachRow', columns, body: Buffer.from(`${lines.join('\n')}\n`, 'utf8') };
}
