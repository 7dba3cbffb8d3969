import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule, type PinoLogger } from 'nestjs-pino';
import { requestIdOf } from '../common/request-id.js';
import type { AppConfig } from '../config/app-config.js';
import { DenialLogPlugin } from './denial-log.plugin.js';

/**
 * Paths pino censors in whatever is logged: credentials, and GraphQL variables (they carry names,
 * birth dates and notes). The request serializer below logs neither headers nor query strings in the
 * first place; these catch an object that carries them anyway. SQL parameters are kept out by `serializeError`.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'variables',
  '*.variables',
  'client_secret',
  '*.client_secret',
  'clientSecret',
  '*.clientSecret',
  'password',
  '*.password',
];

/**
 * An error as the log keeps it: what it is and where it came from. TypeORM's QueryFailedError carries the
 * statement's parameters (names, notes, justifications) and the driver's `detail` (a failing row): the
 * standard serializer would log every enumerable property, so only these are kept.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) {
    const message = (error as { message?: unknown } | null)?.message;
    return { message: typeof message === 'string' ? message : String(error) };
  }
  const database = (error as { driverError?: Record<string, unknown> }).driverError ?? (error as unknown as Record<string, unknown>);
  return {
    type: error.constructor.name,
    message: error.message,
    ...(typeof database.code === 'string' ? { code: database.code } : {}),
    ...(typeof database.constraint === 'string' ? { constraint: database.constraint } : {}),
    stack: error.stack,
  };
}

/** Probes and scrapes would drown the request log. */
const UNLOGGED_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

const pathOf = (url: string | undefined) => (url ?? '').split('?')[0]!;

/**
 * Structured JSON logs (pino) for the whole service: Nest's own logger writes through it too (see
 * bootstrap.ts). Every line written while a request runs carries `requestId` (X-Request-Id or a new one,
 * the same id as in the audit trail) and, once authenticated, `principal` (the token subject; never names).
 */
@Module({})
export class LoggingModule {
  static forRoot(config: Pick<AppConfig, 'logLevel'>): DynamicModule {
    return { module: LoggingModule, imports: [pinoModule(config)], providers: [DenialLogPlugin] };
  }
}

function pinoModule(config: Pick<AppConfig, 'logLevel'>): DynamicModule {
  return LoggerModule.forRoot({
    // `bindToRequestLog` adds the principal to the request's completion line as well.
    assignResponse: true,
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = requestIdOf(req.headers['x-request-id']);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customAttributeKeys: { reqId: 'requestId' },
      // Lines inside a request carry the id only; the completion line carries the request too.
      quietReqLogger: true,
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: pathOf(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: serializeError,
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => UNLOGGED_PATHS.has(pathOf(req.url)) },
    },
  });
}

/** Adds `fields` to every later line of the current request's log; a no-op outside an HTTP request (graphql-ws). */
export function bindToRequestLog(log: PinoLogger, fields: Record<string, string>): void {
  try {
    log.assign(fields);
  } catch {
    // Not inside a request's logging context: there is no request log to extend.
  }
}
