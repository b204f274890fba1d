import { type DynamicModule, Module } from '@nestjs/common';
import { FitbitConfig } from '../config/fitbit-config.js';
import type { FitbitModuleOptions } from '../config/fitbit-module-options.interface.js';
import { resolveFitbitConfig } from '../config/resolve-fitbit-config.js';
import { FitbitService, type FitbitLinkStatus } from '../integration/fitbit.service.js';
import { SubscriptionParts } from '../subscription-parts.js';

/** Options of `FitbitTestingModule.forRoot()`. */
export interface FitbitTestingOptions {
  /**
   * The link status of a signed-in, active user: a fixed one, or a function of the user (sync or
   * async). Anonymous and inactive users are `not-linked` whatever this says. Default `linked`.
   */
  linkStatus?: FitbitLinkStatus | ((user: unknown) => FitbitLinkStatus | Promise<FitbitLinkStatus>);
  /** The module options the decorators read: `decoratorMessage`, `users`… (`clientId`/`clientSecret` are filled in). */
  options?: Partial<FitbitModuleOptions>;
  /** The `routePrefix` whose `login/` route `@FitbitIntegrationRequired()` names. Default `fitbit`. */
  routePrefix?: string;
}

/** FitbitService with the link status the test chose instead of a database lookup. */
class FitbitServiceStub extends FitbitService {
  constructor(
    private readonly settings: FitbitConfig,
    private readonly status: NonNullable<FitbitTestingOptions['linkStatus']>,
  ) {
    super(settings, null as never, null as never, new SubscriptionParts());
  }

  override async linkStatus(user: unknown): Promise<FitbitLinkStatus> {
    if (user === null || user === undefined || !this.settings.users.isActive(user)) return 'not-linked';
    return typeof this.status === 'function' ? this.status(user) : this.status;
  }
}

/**
 * Stands in for FitbitModule in unit tests of your controllers: gives `@FitbitIntegrationWarning()`
 * and `@FitbitIntegrationRequired()` what they inject (FitbitConfig and FitbitService) without a
 * database, a provider or HTTP. Global, so feature modules under test see it too.
 *
 * @example
 * ```ts
 * const moduleRef = await Test.createTestingModule({
 *   imports: [FitbitTestingModule.forRoot({ linkStatus: 'not-linked' })],
 *   controllers: [DashboardController],
 * }).compile();
 * ```
 */
@Module({})
export class FitbitTestingModule {
  static forRoot(testing: FitbitTestingOptions = {}): DynamicModule {
    const config = resolveFitbitConfig({ clientId: 'testing', clientSecret: 'testing', ...testing.options }, { routePrefix: testing.routePrefix });
    const service = new FitbitServiceStub(config, testing.linkStatus ?? 'linked');
    return {
      module: FitbitTestingModule,
      global: true,
      providers: [
        { provide: FitbitConfig, useValue: config },
        { provide: FitbitService, useValue: service },
      ],
      exports: [FitbitConfig, FitbitService],
    };
  }
}
