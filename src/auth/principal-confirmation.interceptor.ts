import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { catchError, from, type Observable, switchMap } from 'rxjs';
import type { GraphQLContext } from '../graphql/graphql-context.js';
import { assertDeclaredPolicy, declaredPolicy } from '../policy/policy.guard.js';
import { Authenticator } from './authenticator.js';
import { PrincipalNotConfirmed } from './principal-check.js';
import { requestOf } from './request-context.js';

/**
 * A root field that met its remembered principal changed (its compiled read's check failed, nothing read or
 * audited), or that took the path of the field resolvers, which need the principal confirmed: the principal
 * is read anew, the operation's declared policy asked again (FORBIDDEN now, if the change took the right
 * away), and the field runs again with it — its arguments, caller included, taken afresh from the request,
 * and the request's DataLoaders made anew (their batches hold the caller they were made for).
 */
@Injectable()
export class PrincipalConfirmation implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof PrincipalNotConfirmed)) throw error;
        const req = requestOf(context);
        // The check failed against a principal this request had already confirmed: a change between two of its statements.
        if (!req.principalCheck && !req.confirmation) throw error;
        return from(this.authenticator.confirm(req)).pipe(
          switchMap(() => {
            if (context.getType<string>() === 'graphql') GqlExecutionContext.create(context).getContext<GraphQLContext>().loaders.clear();
            assertDeclaredPolicy(declaredPolicy(this.reflector, context), req);
            return next.handle();
          }),
        );
      }),
    );
  }
}
