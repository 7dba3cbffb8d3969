import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden } from '../common/errors.js';
import { Authenticator } from '../auth/authenticator.js';
import { type AuthenticatedRequest, requestOf } from '../auth/request-context.js';
import { type DeclaredPolicy, POLICY_KEY } from './policy.decorator.js';

/** Runs the policy each operation declares; an operation that declares none is refused. */
@Injectable()
export class PolicyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = declaredPolicy(this.reflector, context);
    const req = requestOf(context);
    // A remembered principal is not refused on what it was: it is read anew, and the policy asked again.
    if (req.principalCheck && !allows(policy, req)) await this.authenticator.confirm(req);
    assertDeclaredPolicy(policy, req);
    return true;
  }
}

/** The policy the operation of `context` declares. */
export function declaredPolicy(reflector: Reflector, context: ExecutionContext): DeclaredPolicy | undefined {
  return reflector.getAllAndOverride<DeclaredPolicy | undefined>(POLICY_KEY, [context.getHandler(), context.getClass()]);
}

const allows = (policy: DeclaredPolicy | undefined, req: AuthenticatedRequest) =>
  policy !== undefined && (policy.kind !== 'ability' || (req.ability?.can(policy.action, policy.subject) ?? false));

/** FORBIDDEN unless the request's ability allows what the operation declares (also after its principal was read anew). */
export function assertDeclaredPolicy(policy: DeclaredPolicy | undefined, req: AuthenticatedRequest): void {
  if (!policy) throw forbidden('This operation declares no policy');
  if (policy.kind !== 'ability') return;
  const { principal, ability } = req;
  if (!principal || !ability) throw forbidden();
  if (ability.can(policy.action, policy.subject)) return;
  if (!principal.acting && principal.memberships.length > 0) {
    throw forbidden('Choose the agency you act for with the X-Acting-Agency header');
  }
  throw forbidden(`You may not ${policy.action} ${withArticle(policy.subject)}`);
}

/** "an AuditEvent", "a Referral": the subjects' names are English nouns; none starts with a vowel sounded as a consonant. */
const withArticle = (noun: string) => `${/^[AEIO]/.test(noun) ? 'an' : 'a'} ${noun}`;
