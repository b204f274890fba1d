import type { DependencyUnreachableError } from './dependency-probes.js';

/**
 * A dependency did not answer at start-up. The message is one line naming it, its address and
 * why; for Redis it names the `queue` option too, the way a configuration error does.
 */
export class FitbitStartupError extends Error {
  readonly dependency: DependencyUnreachableError['dependency'];
  readonly address: string;

  constructor(
    unreachable: DependencyUnreachableError,
    readonly option: string | null,
  ) {
    super(option ? `FitbitModule option "${option}": ${unreachable.message}` : `FitbitModule: ${unreachable.message}`, { cause: unreachable });
    this.name = 'FitbitStartupError';
    this.dependency = unreachable.dependency;
    this.address = unreachable.address;
  }
}
