// `nestjs-fitbit/terminus`: only for hosts that use @nestjs/terminus (an optional peer), so the
// main entry point never loads it.
export { FitbitHealthIndicator } from './fitbit.health-indicator.js';
export type { FitbitHealthCheckOptions, FitbitHealthReport } from '../health/fitbit-health.service.js';
