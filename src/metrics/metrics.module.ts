import { Global, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLMetricsPlugin } from './graphql-metrics.plugin.js';
import { Metrics } from './metrics.js';
import { MetricsController } from './metrics.controller.js';

/** `GET /metrics` and what feeds it; global so that modules (the webhook queue) add their own figures. */
@Global()
@Module({
  providers: [Metrics, GraphQLMetricsPlugin],
  controllers: [MetricsController],
  exports: [Metrics],
})
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: Metrics) {}

  configure(consumer: MiddlewareConsumer): void {
    const { httpDuration } = this.metrics;
    consumer
      .apply((req: Request, res: Response, next: NextFunction) => {
        const stop = httpDuration.startTimer({ route: Metrics.routeOf(req.originalUrl.split('?')[0]!), method: req.method });
        res.once('finish', () => stop({ status: String(res.statusCode) }));
        next();
      })
      .forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}
