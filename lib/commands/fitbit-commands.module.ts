import { type DynamicModule, Module } from '@nestjs/common';
import { RefreshTokensCommand } from './refresh-tokens.command.js';

/**
 * What `commands` adds: the `refresh-tokens` command, found by nest-commander's
 * `CommandFactory.run()`. The only way into `nest-commander`; FitbitModule imports it only when
 * `commands` is on.
 */
@Module({})
export class FitbitCommandsModule {
  static register(core: DynamicModule): DynamicModule {
    return { module: FitbitCommandsModule, imports: [core], providers: [RefreshTokensCommand] };
  }
}
