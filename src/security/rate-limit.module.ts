import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Rate limits (docs/operations.md, "Hostile input and rate limits"). AppModule imports it before AuthModule: global
 * guards run in the order their modules are registered, and a failed login must be counted before
 * AuthGuard refuses it.
 */
@Module({
  imports: [AuthModule],
  providers: [RateLimiter, { provide: APP_GUARD, useClass: RateLimitGuard }],
  exports: [RateLimiter],
})
export class RateLimitModule {}
