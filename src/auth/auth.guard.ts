import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type DeclaredPolicy, POLICY_KEY } from '../policy/policy.decorator.js';
import { Authenticator } from './authenticator.js';
import { CHECKS_PRINCIPAL_KEY } from './principal-check.js';
import { requestOf } from './request-context.js';

/** Authenticates every request that is not declared public, and builds its ability once. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<DeclaredPolicy | undefined>(POLICY_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (policy?.kind === 'public') return true;
    const req = requestOf(context);
    // Only a compiled read checks a remembered principal itself (ChecksPrincipalInRead); any other root field
    // of the same request has it read anew first.
    const checksPrincipal = this.reflector.get<boolean | undefined>(CHECKS_PRINCIPAL_KEY, context.getHandler()) === true;
    await this.authenticator.authenticate(req, checksPrincipal);
    if (!checksPrincipal) await this.authenticator.confirm(req);
    return true;
  }
}
