import { type CanActivate, type ExecutionContext, HttpException, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { requestOf } from '../auth/request-context.js';
import { TokenVerifier } from '../auth/token-verifier.js';
import { tooManyRequests } from '../common/errors.js';
import { normalizeIp, RateLimiter } from './rate-limiter.js';

const TOKEN_ENDPOINT = 'rate-limit:token-endpoint';

/** Marks the handler that issues tokens: its own, stricter budget per IP. */
export const TokenEndpoint = () => SetMetadata(TOKEN_ENDPOINT, true);

/** The client's address (behind TRUST_PROXY_HOPS proxies, from X-Forwarded-For). */
export const clientIp = (req: Request): string => normalizeIp(req.ip ?? 'unknown');

const COUNTED = Symbol('rate-limited');

/** Refuses a REST request with HTTP 429 and `Retry-After` when it must wait (`retryAfterSeconds` > 0). */
export function refuseHttpWhile(req: Request, retryAfterSeconds: number): void {
  if (retryAfterSeconds <= 0) return;
  req.res?.setHeader('Retry-After', String(retryAfterSeconds));
  throw new HttpException(
    { statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'too_many_requests', error_description: `Too many requests: retry in ${retryAfterSeconds} s` },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}

/**
 * Counts every REST request and GraphQL operation over HTTP (once, however many root fields) against
 * RateLimiter: per token subject when the token is valid, per client IP otherwise; the token endpoint
 * also against its own budget. An invalid bearer token is a failed login. Registered before AuthGuard
 * (GLOBAL_GUARDS in app.module.ts): it verifies the token first, and AuthGuard reuses that verification (TokenVerifier.bearerOf). A refusal is `TOO_MANY_REQUESTS` in GraphQL,
 * HTTP 429 in REST, both with `Retry-After`.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // A subscription lives on its socket, without an HTTP request to count.
    if (context.getType<string>() === 'graphql' && GqlExecutionContext.create(context).getInfo().operation.operation === 'subscription') {
      return true;
    }
    const req = requestOf(context) as Request & { [COUNTED]?: true };
    if (req[COUNTED]) return true;
    req[COUNTED] = true;
    const ip = clientIp(req);
    const tokenEndpoint = Reflect.getMetadata(TOKEN_ENDPOINT, context.getHandler()) === true;
    // At the token endpoint failed logins count per address and client (OAuthController), so that one
    // misbehaving client behind a shared address does not lock out the others.
    if (tokenEndpoint) this.refuseWhile(context, await this.limiter.tokenEndpoint(ip));
    const { token, subject } = await this.verifier.bearerOf(req);
    if (token && !subject) {
      this.refuseWhile(context, await this.limiter.authBlockedFor(ip));
      await this.limiter.authFailure(ip); // and AuthGuard answers UNAUTHENTICATED
    }
    const tracker = subject ? (subject.kind === 'client' ? `client:${subject.clientId}` : `person:${subject.subject}`) : `ip:${ip}`;
    this.refuseWhile(context, await this.limiter.request(tracker, subject !== null));
    return true;
  }

  /** Refuses the request when it must wait (`retryAfterSeconds` > 0). */
  private refuseWhile(context: ExecutionContext, retryAfterSeconds: number): void {
    if (retryAfterSeconds <= 0) return;
    if (context.getType<string>() !== 'graphql') refuseHttpWhile(requestOf(context), retryAfterSeconds);
    requestOf(context).res?.setHeader('Retry-After', String(retryAfterSeconds));
    throw tooManyRequests(retryAfterSeconds);
  }
}
