import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Authenticator } from './authenticator.js';
import { PrincipalService } from './principal.service.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Tokens and principals; its AuthGuard is registered with the other global guards, and its PrincipalConfirmation
 * interceptor, in AppModule.
 */
@Module({
  providers: [
    { provide: TokenVerifier, useFactory: (config: AppConfig) => new TokenVerifier(config), inject: [APP_CONFIG] },
    PrincipalService,
    Authenticator,
  ],
  exports: [TokenVerifier, PrincipalService, Authenticator],
})
export class AuthModule {}
