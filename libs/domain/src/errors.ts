/**
 * The domain cannot depend on @exgate/errors (it is a `type:lib`), so it throws this instead; the
 * services map `code` onto the catalogue (all of these are INVALID_ARGUMENT for an API caller).
 */
export type DomainErrorCode = 'INVALID_TIME_ZONE' | 'INVALID_DECIMAL' | 'INVALID_CANDLES' | 'INVALID_SCHEDULE';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * A schedule (`parseSchedule`) the grammar refuses. `reason` is the bare why, without the input,
 * so the API can put it in a field violation and the scheduler in its log line.
 */
export class InvalidScheduleError extends DomainError {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super('INVALID_SCHEDULE', `invalid schedule ${JSON.stringify(input.length > 48 ? `${input.slice(0, 48)}…` : input)}: ${reason}`);
    this.name = 'InvalidScheduleError';
  }
}
