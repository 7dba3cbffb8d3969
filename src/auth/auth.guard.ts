import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PinoLogger } from 'nestjs-pino';
import { unauthenticated } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { requestIdOf } from '../common/request-id.js';
import { bindToRequestLog } from '../logging/logging.module.js';
import { defineAbilityFor } from '../policy/ability.factory.js';
import { type DeclaredPolicy, POLICY_KEY } from '../policy/policy.decorator.js';
import { devSecretSource } from './dev-secret.js';
import { PrincipalService } from './principal.service.js';
import { principalName } from './principal.js';
import { type AuthenticatedRequest, requestOf } from './request-context.js';
import { TokenVerifier } from './token-verifier.js';

/** Authenticates every request that is not declared public, and builds its ability once. */
@Injectable()
export class AuthGuard implements CanActivate {
  /** In development (never with an OIDC provider) it names the secret: a token signed with another is refused. */
  private readonly invalidToken: string;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly principals: PrincipalService,
    private readonly log: PinoLogger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.invalidToken =
      config.auth.mode === 'dev'
        ? `The bearer token is invalid or expired (development: this service verifies tokens with ${devSecretSource(config.auth.secret, config.dataDir)}; ` +
          '`npm run token` must run with the same DATA_DIR and AUTH_DEV_SECRET)'
        : 'The bearer token is invalid or expired';
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<DeclaredPolicy | undefined>(POLICY_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (policy?.kind === 'public') return true;
    const req = requestOf(context);
    req.authentication ??= this.authenticate(req);
    await req.authentication;
    return true;
  }

  private async authenticate(req: AuthenticatedRequest): Promise<void> {
    const { token, subject } = await this.verifier.bearerOf(req);
    if (!token) throw unauthenticated();
    if (!subject) throw unauthenticated(this.invalidToken);
    const acting = req.headers['x-acting-agency'];
    const principal =
      subject.kind === 'client'
        ? await this.principals.resolveClient(subject.clientId, subject.issuedAfterRotation)
        : await this.principals.resolve(subject.subject, Array.isArray(acting) ? acting[0] : acting);
    if (!principal) throw unauthenticated('The integration client is unknown or revoked');
    req.principal = principal;
    // Over HTTP the logging middleware already named the request (pino-http's req.id); over graphql-ws not.
    req.requestId = typeof req.id === 'string' ? req.id : requestIdOf(req.headers['x-request-id']);
    bindToRequestLog(this.log, { principal: principalName(principal) });
    req.tokenExpiresAt = subject.expiresAt;
    req.ability = defineAbilityFor(principal);
  }
}
