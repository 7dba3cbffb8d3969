import { Module } from '@nestjs/common';
import { ErasureRequestsService } from './erasure-requests.service.js';
import { RetentionJob } from './retention.job.js';
import { RetentionResolver } from './retention.resolver.js';
import { RetentionService } from './retention.service.js';

/** Plan closure's aftermath: erasure at the end of the retention period, and on a family member's request. */
@Module({
  providers: [RetentionService, ErasureRequestsService, RetentionResolver, RetentionJob],
  exports: [ErasureRequestsService],
})
export class RetentionModule {}
