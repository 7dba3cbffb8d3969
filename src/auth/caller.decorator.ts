import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AppAbility } from '../policy/ability.factory.js';
import type { Principal } from './principal.js';
import type { PrincipalCheck } from './principal-check.js';
import { requestOf } from './request-context.js';

/** The authenticated caller: its principal and the ability built from it for this request. */
export interface Caller {
  principal: Principal;
  ability: AppAbility;
  /** Ties the audit entries of one request together. */
  requestId: string;
  /** When the bearer token expires: long-lived subscriptions end then. */
  tokenExpiresAt: Date | null;
  /** A principal remembered from an earlier request: what a compiled read's statement checks (principal-check.ts). */
  principalCheck?: PrincipalCheck;
}

export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const req = requestOf(context);
  return {
    principal: req.principal!,
    ability: req.ability!,
    requestId: req.requestId!,
    tokenExpiresAt: req.tokenExpiresAt ?? null,
    principalCheck: req.principalCheck,
  };
});
