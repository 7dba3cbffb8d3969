import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { DomainErrorFilter } from './graphql/domain-error.filter.js';
import { validationPipe } from './graphql/validation.js';
import { applyHttpSecurity } from './security/http-security.js';

/** The configured Nest application (not yet listening): used by main.ts and by the tests. */
export async function createApp(config: AppConfig & { databaseUrl: string }): Promise<INestApplication> {
  // Nest's own messages wait for the JSON logger (LoggingModule), which then writes everything.
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true, bodyParser: true });
  app.useLogger(app.get(Logger));
  applyHttpSecurity(app, config);
  app.useGlobalPipes(validationPipe);
  app.useGlobalFilters(new DomainErrorFilter());
  return app;
}
