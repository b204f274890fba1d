/** A misconfiguration found at start-up; the message names the option. */
export class FitbitConfigurationError extends Error {
  constructor(
    /** The option at fault, e.g. `clientId` or `googleHealth.webhookAuthorization`. */
    readonly option: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`FitbitModule option "${option}": ${problem}`, options);
    this.name = 'FitbitConfigurationError';
  }
}
