import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { unauthenticated } from '../common/errors.js';
import { requestIdOf } from '../common/request-id.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { bindToRequestLog } from '../logging/logging.module.js';
import { type AppAbility, defineAbilityFor } from '../policy/ability.factory.js';
import { devSecretSource } from './dev-secret.js';
import { markUnconfirmed, type PrincipalCheck } from './principal-check.js';
import { PrincipalService } from './principal.service.js';
import { principalName, type Principal } from './principal.js';
import type { AuthenticatedRequest } from './request-context.js';
import { TokenVerifier } from './token-verifier.js';

/** A request's token → its principal and ability (AuthGuard), and the principal read anew when it must be (confirm). */
@Injectable()
export class Authenticator {
  /** In development (never with an OIDC provider) it names the secret: a token signed with another is refused. */
  private readonly invalidToken: string;
  /**
   * The ability of each remembered principal, built once (defineAbilityFor depends on the principal alone): its
   * check is one object per principal read (PrincipalService.remember), the same on every request until the
   * principal is read anew. Unconfirmed, so only a statement that checks the principal uses it (principal-check.ts).
   */
  private readonly rememberedAbilities = new WeakMap<PrincipalCheck, { principal: Principal; ability: AppAbility }>();

  constructor(
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

  /**
   * Authenticates `req` once for all its root fields. With `mayRemember` (a root field whose compiled read
   * checks the principal in its statement) a principal remembered from an earlier request is taken
   * unconfirmed, with its check; otherwise it is read now.
   */
  authenticate(req: AuthenticatedRequest, mayRemember: boolean): Promise<void> {
    req.authentication ??= this.principalOf(req, mayRemember).then(({ principal, check }) => {
      // Over HTTP the logging middleware already named the request (pino-http's req.id); over graphql-ws not.
      req.requestId = typeof req.id === 'string' ? req.id : requestIdOf(req.headers['x-request-id']);
      bindToRequestLog(this.log, { principal: principalName(principal) });
      this.act(req, principal, check);
    });
    return req.authentication;
  }

  /**
   * Reads the principal of an authenticated request anew when it was remembered (once per request), so that
   * what follows acts with the principal the database holds now.
   */
  confirm(req: AuthenticatedRequest): Promise<void> {
    if (!req.principalCheck) return Promise.resolve();
    req.confirmation ??= this.principalOf(req, false).then(({ principal }) => this.act(req, principal, undefined));
    return req.confirmation;
  }

  private act(req: AuthenticatedRequest, principal: Principal, check: PrincipalCheck | undefined): void {
    req.principal = principal;
    req.principalCheck = check;
    req.ability = check ? this.rememberedAbility(principal, check) : defineAbilityFor(principal);
  }

  private rememberedAbility(principal: Principal, check: PrincipalCheck): AppAbility {
    const known = this.rememberedAbilities.get(check);
    if (known?.principal === principal) return known.ability;
    const ability = defineAbilityFor(principal);
    markUnconfirmed(ability);
    this.rememberedAbilities.set(check, { principal, ability });
    return ability;
  }

  private async principalOf(req: AuthenticatedRequest, mayRemember: boolean): Promise<{ principal: Principal; check?: PrincipalCheck }> {
    const { token, subject } = await this.verifier.bearerOf(req);
    if (!token) throw unauthenticated();
    if (!subject) throw unauthenticated(this.invalidToken);
    req.tokenExpiresAt = subject.expiresAt;
    const header = req.headers['x-acting-agency'];
    const acting = Array.isArray(header) ? header[0] : header;
    if (mayRemember) {
      const remembered =
        subject.kind === 'client' ? this.principals.rememberedClient(subject.clientId, subject.issuedAfterRotation) : this.principals.remembered(subject.subject, acting);
      if (remembered) return remembered;
    }
    const principal =
      subject.kind === 'client'
        ? await this.principals.resolveClient(subject.clientId, subject.issuedAfterRotation)
        : await this.principals.resolve(subject.subject, acting);
    if (!principal) throw unauthenticated('The integration client is unknown or revoked');
    return { principal };
  }
}
