/** A misconfiguration found at start-up; the message names the option. */
export class FitbitConfigurationError extends Error {
  constructor(option: string, problem: string) {
    super(`FitbitModule option "${option}": ${problem}`);
    this.name = 'FitbitConfigurationError';
  }
}
