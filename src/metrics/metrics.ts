import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { SqlStatementCounter } from '../database/sql-statement-counter.js';

/** The routes the service has; anything else is one label, so that scanners cannot blow up the series. */
const ROUTES = new Set(['/graphql', '/health/live', '/health/ready', '/metrics', '/oauth/token']);

/**
 * The Prometheus figures of one service instance (its own registry: tests run several in one process).
 * Labels are operation types, codes, routes and states: never ids or personal data.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'gezin1plan_http_request_duration_seconds',
    help: 'HTTP requests by route, method and status, with their latency',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly graphqlOperations = new Counter({
    name: 'gezin1plan_graphql_operations_total',
    help: 'GraphQL operations over HTTP by type (query, mutation, unknown when not parsed) and outcome (success, error)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly graphqlErrors = new Counter({
    name: 'gezin1plan_graphql_errors_total',
    help: 'GraphQL errors by extensions.code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  constructor(statements: SqlStatementCounter, @InjectDataSource() db: DataSource) {
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
    new Gauge({
      name: 'gezin1plan_db_pool_connections',
      help: 'Connections of the request pool: total open, idle, and requests waiting for one',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = (db.driver as unknown as { master?: Pool }).master;
        this.set({ state: 'total' }, pool?.totalCount ?? 0);
        this.set({ state: 'idle' }, pool?.idleCount ?? 0);
        this.set({ state: 'waiting' }, pool?.waitingCount ?? 0);
      },
    });
  }

  /** The route label of a request path. */
  static routeOf(path: string): string {
    return ROUTES.has(path) ? path : 'other';
  }
}
