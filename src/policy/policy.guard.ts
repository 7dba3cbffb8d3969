import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden } from '../common/errors.js';
import { requestOf } from '../auth/request-context.js';
import { type DeclaredPolicy, POLICY_KEY } from './policy.decorator.js';

/** Runs the policy each operation declares; an operation that declares none is refused. */
@Injectable()
export class PolicyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const policy = this.reflector.getAllAndOverride<DeclaredPolicy | undefined>(POLICY_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!policy) throw forbidden('This operation declares no policy');
    if (policy.kind !== 'ability') return true;
    const { principal, ability } = requestOf(context);
    if (!principal || !ability) throw forbidden();
    if (ability.can(policy.action, policy.subject)) return true;
    if (!principal.acting && principal.memberships.length > 0) {
      throw forbidden('Choose the agency you act for with the X-Acting-Agency header');
    }
    throw forbidden(`You may not ${policy.action} a ${policy.subject}`);
  }
}
