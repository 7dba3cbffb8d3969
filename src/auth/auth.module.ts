import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PolicyGuard } from '../policy/policy.guard.js';
import { AuthGuard } from './auth.guard.js';
import { PrincipalService } from './principal.service.js';
import { TokenVerifier } from './token-verifier.js';

/** Authentication first, then the operation's declared policy: both guards run on every operation. */
@Module({
  providers: [
    { provide: TokenVerifier, useFactory: (config: AppConfig) => new TokenVerifier(config), inject: [APP_CONFIG] },
    PrincipalService,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: PolicyGuard },
  ],
  exports: [TokenVerifier, PrincipalService],
})
export class AuthModule {}
