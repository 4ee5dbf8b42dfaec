import { z } from 'zod';
import type { TradeKind } from '@exgate/domain';
import type { ExchangeCredentials, ExchangeEnv, ExchangeSettings } from '../types';

export interface ExchangeEnvOptions {
  /** E.g. `OKX_`: every variable of the exchange starts with it. */
  readonly prefix: string;
  /** Print streams offered; with more than one, `<prefix>STREAM` picks one. */
  readonly kinds: readonly [TradeKind, ...TradeKind[]];
  readonly defaultKind: TradeKind;
  /** Read-only credentials the exchange takes: `<prefix>API_KEY`, `_API_SECRET`, `_PASSPHRASE`. */
  readonly credentials: readonly (keyof ExchangeCredentials)[];
}

const VARIABLE: Readonly<Record<keyof ExchangeCredentials, string>> = {
  apiKey: 'API_KEY',
  apiSecret: 'API_SECRET',
  passphrase: 'PASSPHRASE',
};

/**
 * The settings every exchange names the same way: `<P>WS_URL` and `<P>REST_URL` (a simulator, a
 * regional host), `<P>STREAM` and the credentials it takes. One shape, so operators meet the same
 * names on every exchange and the docs can list them in one table.
 */
export function exchangeEnv(o: ExchangeEnvOptions): ExchangeEnv {
  const v = (name: string) => `${o.prefix}${name}`;
  const shape: Record<string, z.ZodType> = {
    [v('WS_URL')]: z.string().url().optional(),
    [v('REST_URL')]: z.string().url().optional(),
  };
  if (o.kinds.length > 1) shape[v('STREAM')] = z.enum(o.kinds).default(o.defaultKind);
  for (const c of o.credentials) shape[v(VARIABLE[c])] = z.string().min(1).optional();
  return {
    prefix: o.prefix,
    shape,
    settings(env): ExchangeSettings {
      const str = (name: string): string | undefined => {
        const value = env[v(name)];
        return typeof value === 'string' && value !== '' ? value : undefined;
      };
      const apiKey = str(VARIABLE.apiKey);
      const apiSecret = str(VARIABLE.apiSecret);
      const passphrase = str(VARIABLE.passphrase);
      const kind = str('STREAM') as TradeKind | undefined;
      return {
        ...(str('WS_URL') ? { wsBaseUrl: str('WS_URL') } : {}),
        ...(str('REST_URL') ? { restBaseUrl: str('REST_URL') } : {}),
        ...(kind ? { tradeKind: kind } : {}),
        ...(apiKey ? { credentials: { apiKey, ...(apiSecret ? { apiSecret } : {}), ...(passphrase ? { passphrase } : {}) } } : {}),
      };
    },
  };
}

/** Credentials as the variables `exchangeEnv` reads under `prefix` (a simulator's, handed to a collector). */
export function credentialEnv(prefix: string, credentials: ExchangeCredentials): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(credentials) as [keyof ExchangeCredentials, string | undefined][]) {
    if (value !== undefined) out[`${prefix}${VARIABLE[name]}`] = value;
  }
  return out;
}
