import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { FitbitHealth, type FitbitHealthCheckOptions } from '../health/fitbit-health.service.js';

/**
 * A Terminus health indicator for the module: `down` when the database or (with `subscribe`)
 * Redis does not answer, `degraded` when the provider cannot be reached or the queue is deeper
 * than `maxQueueDepth` (the app still serves stored data and pages); the details of each part
 * beside the status. Provide it next to `TerminusModule` in the module of your health controller:
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.fitbit.isHealthy('fitbit', { maxQueueDepth: 10_000 })]); }
 * ```
 */
@Injectable()
export class FitbitHealthIndicator {
  constructor(
    private readonly fitbit: FitbitHealth,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isHealthy<const Key extends string>(key: Key, options: FitbitHealthCheckOptions = {}): Promise<HealthIndicatorResult<Key>> {
    const { healthy, ...details } = await this.fitbit.check(options);
    const indicator = this.indicators.check(key);
    if (!healthy) return indicator.down(details);
    const degraded = details.provider.status !== 'up' || (details.queue !== undefined && details.queue.status !== 'up');
    return degraded ? indicator.degraded(details) : indicator.up(details);
  }
}
