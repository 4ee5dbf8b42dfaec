import type { ExchangeCredentials, Pace } from '@exgate/exchanges';

/** What a replay's simulator is started with: it reads the recording itself (163 MB need not be sent to its process). */
export interface ReplaySimulatorStart {
  readonly exchange: string;
  readonly file: string;
  readonly pace: Pace;
  readonly restHistory: 'printed' | 'all';
  readonly host: string;
}

export type ToSimulator =
  | { readonly type: 'drained'; readonly id: number; readonly symbols?: readonly string[] }
  | { readonly type: 'close' };

export type FromSimulator =
  | {
    readonly type: 'ready'; readonly wsBaseUrl: string; readonly restBaseUrl: string;
    readonly symbols: readonly string[]; readonly printCount: number; readonly credentials?: ExchangeCredentials;
  }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'drained'; readonly id: number };
