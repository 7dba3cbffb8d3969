import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import type { AppAbility } from '../policy/ability.factory.js';
import type { Principal } from './principal.js';

/** What the guards attach to the request for resolvers and services. */
export interface AuthenticatedRequest extends Request {
  principal?: Principal;
  /** The authentication of this request, once for all its root fields (the guard runs per field). */
  authentication?: Promise<void>;
  ability?: AppAbility;
  requestId?: string;
  tokenExpiresAt?: Date | null;
}

export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
  }
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}
