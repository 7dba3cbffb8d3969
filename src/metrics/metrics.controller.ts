import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../policy/policy.decorator.js';
import { Metrics } from './metrics.js';

/**
 * Prometheus metrics (`GET /metrics`): process figures (memory, CPU, event loop), HTTP requests and
 * latency, GraphQL operations and errors, the request pool, the webhook queue and the SQL statements
 * sent (which the benchmark divides by the requests it made). No personal data.
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly figures: Metrics) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return this.figures.registry.metrics();
  }
}
