import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ApiAuthGuard, parseApiTokens } from './auth.guard';
import { SessionController } from './session.controller';

/**
 * Every HTTP route requires a bearer token with a role unless marked @Public(); `GET /auth/me`
 * tells a caller who its token is.
 */
@Module({})
export class AuthModule {
  static register(apiTokens: string): DynamicModule {
    const tokens = parseApiTokens(apiTokens);
    return {
      module: AuthModule,
      controllers: [SessionController],
      providers: [
        {
          provide: APP_GUARD,
          inject: [Reflector],
          useFactory: (reflector: Reflector) => new ApiAuthGuard(reflector, tokens),
        },
      ],
    };
  }
}
