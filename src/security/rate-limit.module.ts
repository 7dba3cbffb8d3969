import { Module } from '@nestjs/common';
import { RateLimiter } from './rate-limiter.js';

/**
 * Rate limits (docs/operations.md, "Hostile input and rate limits"); its RateLimitGuard is registered with
 * the other global guards, first, in AppModule (GLOBAL_GUARDS).
 */
@Module({
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class RateLimitModule {}
