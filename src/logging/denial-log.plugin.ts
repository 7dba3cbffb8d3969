import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Logger } from '@nestjs/common';
import { getOperationAST, type GraphQLFormattedError } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { PinoLogger } from 'nestjs-pino';
import { principalName } from '../auth/principal.js';
import type { GraphQLContext } from '../graphql/graphql-context.js';

/** The codes by which the service refuses: no or a bad token, not allowed, or not visible. */
const DENIALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']);

/**
 * Logs every refusal of a GraphQL operation, in one place for all resolvers and guards: the code, the
 * operation and the field path; the request's log bindings add the request id and the principal (see
 * LoggingModule and AuthGuard). Never the variables or the message
 * (NOT_FOUND may as well mean "absent": the two are indistinguishable on purpose).
 */
@Plugin()
export class DenialLogPlugin implements ApolloServerPlugin<GraphQLContext> {
  constructor(private readonly log: PinoLogger) {
    log.setContext('Authorization');
  }

  async requestDidStart(): Promise<GraphQLRequestListener<GraphQLContext>> {
    return {
      didEncounterErrors: async ({ errors, operationName, operation }) => {
        for (const denial of denialsOf(errors, operationName ?? null, operation?.operation ?? null)) this.log.warn(denial, 'access denied');
      },
    };
  }
}

/** The log fields of each refusal among `errors`: code, operation and field path (never message or data). */
export function denialsOf(errors: readonly GraphQLFormattedError[], operation: string | null, operationType: string | null) {
  return errors
    .filter((error) => typeof error.extensions?.code === 'string' && DENIALS.has(error.extensions.code))
    .map((error) => ({ event: 'access_denied', code: error.extensions!.code as string, operation, operationType, path: error.path?.join('.') ?? null }));
}

const socketLog = new Logger('Authorization');

/**
 * The same for subscriptions over graphql-ws (no HTTP request, so no Apollo plugin): called with each
 * result before it is sent; a refusal at subscribe time arrives here as a result with errors. Names the
 * principal and request id of the socket, as the request's log bindings do over HTTP.
 */
export const logSubscriptionDenials: NonNullable<ServerOptions['onNext']> = (_ctx, _id, _payload, args, result) => {
  const req = (args.contextValue as GraphQLContext | undefined)?.req;
  // A refusal before the guard named the request: its id is still in the connection params (the headers).
  const requestId = req?.requestId ?? req?.headers?.['x-request-id'] ?? null;
  const operation = getOperationAST(args.document, args.operationName)?.name?.value ?? null;
  for (const denial of denialsOf(result.errors ?? [], operation, 'subscription')) {
    socketLog.warn({ ...denial, requestId, principal: req?.principal ? principalName(req.principal) : null, msg: 'access denied' });
  }
};
