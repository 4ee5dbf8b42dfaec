import { isInterval, type IntervalId } from '@exgate/domain';
import { MAX_TIME_MS } from '../../schemas';
import { dialectError } from '../common/input';
import { plainInteger, queryValues } from '../common/params';
import { BINANCE } from './errors';

/** A request's query read the way Binance reads it: every failure is Binance's code and words. */
export class BinanceParams {
  private readonly values: Readonly<Record<string, string>>;

  constructor(query: unknown) {
    const { values, repeated } = queryValues(query);
    const twice = repeated[0];
    if (twice !== undefined) throw dialectError(BINANCE.TOO_MANY_PARAMETERS, `Duplicate values for parameter '${twice}'.`, twice);
    this.values = values;
  }

  optional(name: string): string | undefined {
    const v = this.values[name];
    return v === undefined || v === '' ? undefined : v;
  }

  required(name: string): string {
    const v = this.optional(name);
    if (v === undefined) throw dialectError(BINANCE.MANDATORY_PARAM_EMPTY_OR_MALFORMED, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`, name);
    return v;
  }

  /** Binance's symbol syntax; case is forgiven (exgate upper-cases), anything else is -1100. */
  symbol(): string {
    const raw = this.required('symbol');
    if (!/^[A-Za-z0-9\-_.]{1,20}$/.test(raw)) throw dialectError(BINANCE.ILLEGAL_CHARS, "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.", 'symbol');
    return raw;
  }

  interval(allowed: readonly IntervalId[]): IntervalId {
    const raw = this.required('interval');
    if (!isInterval(raw) || !allowed.includes(raw)) throw dialectError(BINANCE.BAD_INTERVAL, 'Invalid interval.', 'interval');
    return raw;
  }

  /** Non-negative integers (times, ids); -1100 for anything else, as Binance does. */
  integer(name: string): number | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    const n = plainInteger(raw, 20);
    if (n === undefined) throw dialectError(BINANCE.ILLEGAL_CHARS, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`, name);
    return n;
  }

  time(name: string): number | undefined {
    const ms = this.integer(name);
    if (ms !== undefined && ms > MAX_TIME_MS) throw dialectError(BINANCE.INVALID_PARAMETER, `Data sent for parameter '${name}' is not valid.`, name);
    return ms;
  }

  limit(fallback: number, max: number): number {
    const n = this.integer('limit');
    if (n === undefined) return fallback;
    if (n < 1 || n > max) throw dialectError(BINANCE.INVALID_PARAMETER, `Data sent for parameter 'limit' is not valid. (1..${max})`, 'limit');
    return n;
  }
}
