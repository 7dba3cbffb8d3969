import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { isDatabaseUnavailable } from '../database/postgres-errors.js';
import { Metrics } from './metrics.js';

/** Counts GraphQL operations by type and outcome, and their errors by code (what the client is told). */
@Plugin()
export class GraphQLMetricsPlugin implements ApolloServerPlugin {
  constructor(private readonly metrics: Metrics) {}

  async requestDidStart(): Promise<GraphQLRequestListener<Record<string, unknown>>> {
    const { graphqlOperations, graphqlErrors } = this.metrics;
    return {
      didEncounterErrors: async ({ errors }) => {
        for (const error of errors) {
          const code = error.extensions?.code;
          graphqlErrors.inc({
            code: typeof code === 'string' ? code : isDatabaseUnavailable(error) ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR',
          });
        }
      },
      willSendResponse: async ({ operation, errors }) => {
        graphqlOperations.inc({ type: operation?.operation ?? 'unknown', outcome: errors?.length ? 'error' : 'success' });
      },
    };
  }
}
