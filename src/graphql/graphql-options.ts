import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { createContext } from './graphql-context.js';
import { describeError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { isDatabaseUnavailable } from '../database/postgres-errors.js';
import { logSubscriptionDenials } from '../logging/denial-log.plugin.js';
import { rejectedField, withoutSuggestions } from './rejected-input.js';
import { graphqlArmor, graphqlWsLimits } from '../security/graphql-limits.js';

const logger = new Logger('GraphQL');

/** Codes we, Apollo or graphql-js set deliberately; anything else is an internal error and masked. */
export const CLIENT_CODES: ReadonlySet<string> = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'INVALID_TRANSITION',
  'CONFLICT',
  'CONSENT_REQUIRED',
  'TOO_MANY_REQUESTS',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function graphqlOptions(config: AppConfig): ApolloDriverConfig {
  const development = config.env === 'development';
  const armor = graphqlArmor();
  return {
    driver: ApolloDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    context: createContext,
    // Subscriptions over graphql-ws on the same path; the token goes in the connection params.
    subscriptions: { 'graphql-ws': { ...graphqlWsLimits(armor.validationRules), onNext: logSubscriptionDenials } },
    introspection: config.env !== 'production',
    playground: false,
    // No cache hints: every answer is private, and Apollo's default cache-control plugin would wrap every
    // field's resolver to compute them (docs/decisions.md, "Tried and kept").
    plugins: [ApolloServerPluginCacheControlDisabled(), ...armor.plugins, ...(config.env === 'production' ? [ApolloServerPluginLandingPageDisabled()] : [])],
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    // One operation per request (a batch would multiply every limit); no "simple" (CSRF-able) requests.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: development,
    // A rate-limited operation answers HTTP 429 (its error says so); Nest would reset every status to 200.
    preserveHttpStatusForExecutionErrors: false,
    formatError: (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
      // The database is down or restarting: a temporary state the client may retry, not a bug.
      if (isDatabaseUnavailable(error)) {
        logger.warn(`Database unavailable: ${describeError(error)}`);
        return { message: 'The service is temporarily unavailable; try again shortly', path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
      }
      const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : '';
      if (CLIENT_CODES.has(code)) {
        // An answer, not a failure: its stack helps nobody, even in development.
        const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
        const field = extensions.field ?? (code === 'BAD_USER_INPUT' ? rejectedField(formatted.message) : undefined);
        return { ...formatted, message: withoutSuggestions(formatted.message), extensions: field === undefined ? extensions : { ...extensions, field } };
      }
      // No SQL, stack or internals reach a client; the log keeps them.
      logger.error(describeError(error, true));
      return {
        message: development ? formatted.message : 'Internal server error',
        path: formatted.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    },
  };
}
