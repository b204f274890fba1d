/**
 * A dependency did not answer at start-up. The message is one line naming it, its address and
 * why; for Redis it names the `queue` option too, the way a configuration error does.
 */
export class FitbitStartupError extends Error {
  /** What did not answer. */
  readonly dependency: 'database' | 'redis' | 'provider';
  /** Where it was looked for: `127.0.0.1:6379`, `postgres db:5432/app`. */
  readonly address: string;

  constructor(
    unreachable: { dependency: 'database' | 'redis' | 'provider'; address: string; message: string },
    /** The option that sets it (`queue` for Redis), or null when it is the host's (the database). */
    readonly option: string | null,
  ) {
    super(option ? `FitbitModule option "${option}": ${unreachable.message}` : `FitbitModule: ${unreachable.message}`, { cause: unreachable });
    this.name = 'FitbitStartupError';
    this.dependency = unreachable.dependency;
    this.address = unreachable.address;
  }
}
