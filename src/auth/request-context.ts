import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import type { AppAbility } from '../policy/ability.factory.js';
import type { Principal } from './principal.js';
import type { PrincipalCheck } from './principal-check.js';

/** What the guards attach to the request for resolvers and services. */
export interface AuthenticatedRequest extends Request {
  principal?: Principal;
  /** The authentication of this request, once for all its root fields (the guard runs per field). */
  authentication?: Promise<void>;
  ability?: AppAbility;
  /** Set while the principal is one remembered from an earlier request, not yet read in this one (principal-check.ts). */
  principalCheck?: PrincipalCheck;
  /** The principal read anew in this request (Authenticator.confirm), once. */
  confirmation?: Promise<void>;
  requestId?: string;
  tokenExpiresAt?: Date | null;
}

export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
  }
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}
