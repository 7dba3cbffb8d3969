import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { PinoLogger } from 'nestjs-pino';
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
        for (const error of errors) {
          const code = error.extensions?.code;
          if (typeof code !== 'string' || !DENIALS.has(code)) continue;
          this.log.warn(
            {
              event: 'access_denied',
              code,
              operation: operationName ?? null,
              operationType: operation?.operation ?? null,
              path: error.path?.join('.') ?? null,
            },
            'access denied',
          );
        }
      },
    };
  }
}
