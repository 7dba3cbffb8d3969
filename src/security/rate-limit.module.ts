import { Module } from '@nestjs/common';
import { RateLimiter } from './rate-limiter.js';

/**
 * Rate limits (docs/operations.md); its RateLimitGuard is registered with the other global guards, in
 * AppModule, first.
 */
@Module({
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class RateLimitModule {}
