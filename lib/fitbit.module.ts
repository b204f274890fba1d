import { Module } from '@nestjs/common';
import { FitbitConfigurableModule } from './fitbit.module-definition.js';

/**
 * Connects app users' Fitbit accounts, keeps their tokens fresh, takes the provider's change
 * notifications and stores and serves their daily data.
 *
 * Register it once with `forRoot(options)` or `forRootAsync({ useFactory | useClass | useExisting, imports, inject })`;
 * the module-shaping settings (`subscribe`, `worker`, `commands`, `routePrefix`, `dataSource`,
 * `isGlobal`) stand beside the options. It exports FitbitService, FitbitConfig, the active
 * provider (`@InjectFitbitProvider()`), UserLinkStore, TokenRefresher and what
 * `@FitbitIntegrationWarning()` and `@FitbitIntegrationRequired()` need.
 *
 * @example
 * ```ts
 * FitbitModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ clientId: config.getOrThrow('FITBIT_CLIENT_ID'), clientSecret: config.getOrThrow('FITBIT_CLIENT_SECRET') }),
 * })
 * ```
 */
@Module({})
export class FitbitModule extends FitbitConfigurableModule {}
