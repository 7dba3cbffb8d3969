import { Module } from '@nestjs/common';
import { NetworkInsightResolver } from './network-insight.resolver.js';
import { NetworkInsightService } from './network-insight.service.js';

/** Aggregate, non-personal figures for network coordinators (issue 8). No entities of its own. */
@Module({ providers: [NetworkInsightService, NetworkInsightResolver] })
export class InsightsModule {}
