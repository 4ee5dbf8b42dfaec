/**
 * The domain cannot depend on @exgate/errors (it is a `type:lib`), so it throws this instead; the
 * services map `code` onto the catalogue (all of these are INVALID_ARGUMENT for an API caller).
 */
export type DomainErrorCode = 'INVALID_TIME_ZONE' | 'INVALID_DECIMAL' | 'INVALID_CANDLES';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
