import { ExgateError } from '@exgate/errors';
import { resolveExchange, type ExchangeInfo } from '@exgate/exchanges';
import type { ApiDeps } from '../../deps';

/**
 * The exchange a dialect request reads: `exchange=<id or alias>` when given, else the dialect's
 * own exchange. A name exgate knows but does not run here, and a name it does not know, are both
 * the caller's to fix: INVALID_ARGUMENT on the field `exchange`, which each dialect turns into its
 * own 4xx. Resolved per request, so a dialect's default works as soon as its module is enabled.
 */
export function dialectExchange(deps: ApiDeps, raw: string | undefined, fallback: string): ExchangeInfo {
  const name = (raw ?? fallback).trim().toLowerCase();
  const found = deps.exchanges.resolve(name);
  if (found) return found;
  const enabled = deps.exchanges.list().map((e) => (e.aliases.length > 0 ? `${e.id} (alias ${e.aliases.join(', ')})` : e.id)).join(', ');
  const known = resolveExchange(name);
  const what = raw === undefined ? `this dialect reads ${fallback} by default, which` : `exchange ${JSON.stringify(name.slice(0, 48))}`;
  const why = known ? `${what} is not enabled on this exgate` : `${what} is not an exchange exgate knows`;
  throw new ExgateError('INVALID_ARGUMENT', `${why}; pass exchange=<one of: ${enabled || 'none'}>`, { details: { field: 'exchange' } });
}

/** The field an INVALID_ARGUMENT from the shared helpers names, for the dialects' error codes. */
export function fieldOf(error: unknown): string | undefined {
  if (!(error instanceof ExgateError)) return undefined;
  const field = error.details['field'];
  return typeof field === 'string' ? field : undefined;
}
