import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../policy/policy.decorator.js';

/** Generous for a loaded 2-core machine; a database that does not answer in this time is not ready. */
const DATABASE_PING_TIMEOUT_MS = 3000;

/**
 * `GET /health/live`: the process serves HTTP (restart it when not). `GET /health/ready`: it can serve
 * requests, i.e. the database answers; 503 otherwise (take it out of the load balancer, do not restart:
 * it reconnects by itself when the database returns).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get('live')
  @Public()
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  ready() {
    return this.health.check([() => this.database.pingCheck('database').withTimeout(DATABASE_PING_TIMEOUT_MS)]);
  }
}
