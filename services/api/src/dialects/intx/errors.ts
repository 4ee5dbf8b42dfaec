import type { DialectErrorReply, Failure } from '../common/scope';

/**
 * INTX answers errors as `{title, status}` (javalin's shape, as ccxt's coinbaseinternational
 * parses it). A bad parameter is seed 002's 400 "Invalid attribute", naming it.
 */
export function intxErrors(f: Failure): DialectErrorReply {
  const title =
    f.code === 'NOT_FOUND' || f.code === 'UNKNOWN_SYMBOL' ? `Not Found: ${f.message}`
    : f.status === 400 ? `Invalid attribute${f.field ? ` ${f.field}` : ''}: ${f.message}`
    : f.status === 429 ? `Too Many Requests: ${f.message}`
    : f.message;
  return { status: f.status, body: { title, status: f.status } };
}
