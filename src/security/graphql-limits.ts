import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import type { ServerOptions } from 'graphql-ws';
import { parse, type ParseOptions, specifiedRules, validate, type ValidationRule } from 'graphql';

/**
 * Limits on the shape of one operation, checked before it runs (graphql-armor). Measured with armor's own
 * counters over every operation the test suite and bench/operations.ts send (docs/operations.md, "Hostile
 * input and rate limits"), each limit leaves legitimate clients room beyond the largest of them, and stops
 * what only an attack needs.
 */
export const GRAPHQL_LIMITS = {
  /** Nesting of fields; the deepest legitimate operation has 7 (families edges node plan supporter user id). */
  depth: 10,
  /** Aliased fields (`__typename` is free); no legitimate operation of ours uses one, a client may fetch a few records at once. */
  aliases: 15,
  /**
   * Armor's cost: 2 per object, 1 per scalar field, ×1.5 per level of nesting. The costliest legitimate
   * operation (referrals(first: 100) with agencies and members) costs 9,219; armor's default, 5,000, would refuse it.
   */
  cost: 20_000,
  /** Lexical tokens of the document; the longest legitimate operation has 81. */
  tokens: 1000,
  /** Directives (@include, @skip); no legitimate operation of ours uses one. */
  directives: 10,
} as const;

/**
 * Armor's Apollo plugins and validation rules, with field suggestions ("Did you mean …?") masked. The
 * token limit is graphql-js's own parse option: armor's token plugin throws where Apollo 5 answers 500.
 */
export function graphqlArmor(): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[]; parseOptions: ParseOptions } {
  // A new instance each time: `protect()` appends its handlers to the configuration it was given.
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.depth },
    maxAliases: { n: GRAPHQL_LIMITS.aliases },
    // A fragment costs what its fields cost written out (armor's default charges a spread one level deeper,
    // so a client that names its selections paid up to 1.5× more and was refused below the limit).
    costLimit: { maxCost: GRAPHQL_LIMITS.cost, flattenFragments: true },
    maxTokens: { enabled: false },
    maxDirectives: { n: GRAPHQL_LIMITS.directives },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  return { plugins: plugins as ApolloServerPlugin[], validationRules: validationRules as ValidationRule[], parseOptions: { maxTokens: GRAPHQL_LIMITS.tokens } };
}

/**
 * The same limits for subscriptions, which graphql-ws parses and validates without Apollo's plugins. Nest
 * hands these options to graphql-ws's `useServer` as they are, though its type names only a few of them.
 */
export function graphqlWsLimits(validationRules: ValidationRule[]): GraphQLWsSubscriptionsConfig {
  const options: Pick<ServerOptions, 'parse' | 'validate'> = {
    parse: (source) => parse(source, { maxTokens: GRAPHQL_LIMITS.tokens }),
    validate: (schema, document) =>
      validate(schema, document, [...specifiedRules, ...validationRules]).map((error) => {
        error.message = error.message.replace(/Did you mean ".+"/g, '[Suggestion hidden]');
        return error;
      }),
  };
  return options as GraphQLWsSubscriptionsConfig;
}
