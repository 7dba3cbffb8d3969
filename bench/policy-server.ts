/**
 * The service as `npm run bench` measures what consent costs: the real application, with the caller's
 * ability built in front of the guards either by the real policy (BENCH_POLICY=full) or by the same
 * rules without their access basis (BENCH_POLICY=team-only, see `withoutAccessBasis`). Both sides
 * resolve the principal the same way and run the same resolvers, loaders, SQL shapes and read audit.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AuthenticatedRequest } from '../src/auth/request-context.js';
import { PrincipalService } from '../src/auth/principal.service.js';
import { TokenVerifier } from '../src/auth/token-verifier.js';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { defineAbilityFor, withoutAccessBasis } from '../src/policy/ability.factory.js';

const config = loadConfig();
const teamOnly = process.env.BENCH_POLICY === 'team-only';
const app = await createApp({ ...config, databaseUrl: config.databaseUrl! });
const verifier = app.get(TokenVerifier);
const principals = app.get(PrincipalService);

app.use(async (req: Request, _res: Response, next: NextFunction) => {
  const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const subject = token ? await verifier.subjectOf(token) : null;
  if (subject?.kind === 'person') {
    const acting = req.headers['x-acting-agency'];
    const principal = await principals.resolve(subject.subject, Array.isArray(acting) ? acting[0] : acting);
    const authenticated = req as AuthenticatedRequest;
    authenticated.principal = principal;
    authenticated.ability = teamOnly ? withoutAccessBasis(defineAbilityFor(principal)) : defineAbilityFor(principal);
    authenticated.requestId = randomUUID();
  }
  next();
});
await app.listen(config.port, '127.0.0.1');
