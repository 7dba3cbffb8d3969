import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../config/app-config.js';

/**
 * Request bodies larger than this are refused (413) before they are parsed. The largest legitimate one
 * is a 10,000-character text field (notes), at most 60 kB as escaped JSON.
 */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * The HTTP layer's protections, before any route: security headers (helmet), body size limits, the
 * client address behind trusted proxies, and body-parser refusals in our error shapes.
 */
export function applyHttpSecurity(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  if (config.rateLimits.trustedProxies > 0) express.set('trust proxy', config.rateLimits.trustedProxies);
  express.use(helmet());
  express.useBodyParser('json', { limit: MAX_BODY_BYTES });
  express.useBodyParser('urlencoded', { limit: MAX_BODY_BYTES, extended: true });
  express.use(bodyParserErrors);
}

/**
 * body-parser's errors (too large, malformed JSON, unknown charset) would otherwise reach Express's
 * default handler, which answers with HTML and, outside production, the stack. GraphQL gets a
 * GraphQL-shaped error with a code, REST an OAuth-style one.
 */
function bodyParserErrors(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status > 499) return next(error);
  const tooLarge = status === 413;
  const message = tooLarge ? `The request body is larger than ${MAX_BODY_BYTES / 1024} kB` : 'The request body could not be read as JSON or a form';
  if (req.path === '/graphql') {
    res.status(status).json({ errors: [{ message, extensions: { code: tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' } }] });
  } else {
    res.status(status).json({ statusCode: status, error: tooLarge ? 'payload_too_large' : 'invalid_request', error_description: message });
  }
}
