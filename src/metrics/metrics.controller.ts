import { Controller, Get, Header } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { SqlStatementCounter } from '../database/sql-statement-counter.js';
import { Public } from '../policy/policy.decorator.js';

/**
 * Prometheus metrics (`GET /metrics`): process figures (memory, CPU, event loop) and the SQL
 * statements sent, which the benchmark divides by the requests it made. No personal data.
 */
@Controller('metrics')
export class MetricsController {
  private readonly registry = new Registry();

  constructor(statements: SqlStatementCounter) {
    collectDefaultMetrics({ register: this.registry });
    let reported = 0;
    new Counter({
      name: 'gezin1plan_sql_statements_total',
      help: 'SQL statements sent to PostgreSQL by the request pool',
      registers: [this.registry],
      collect() {
        this.inc(statements.count - reported);
        reported = statements.count;
      },
    });
  }

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
