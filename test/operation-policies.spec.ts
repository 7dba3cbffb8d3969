import { LazyMetadataStorage } from '@nestjs/graphql/dist/schema-builder/storages/lazy-metadata.storage.js';
import { TypeMetadataStorage } from '@nestjs/graphql/dist/schema-builder/storages/type-metadata.storage.js';
import { POLICY_KEY } from '../src/policy/policy.decorator.js';
import { allResolvers } from './support/resolvers.js';

/**
 * Who can reach what, for every query, mutation and subscription. A change here is a permission change:
 * the snapshot makes it visible in review. An operation without a declaration fails the test
 * (and is refused at run time by the policy guard).
 */
describe('operation policies', () => {
  beforeAll(async () => {
    // The decorators record operations lazily; loading them for every resolver is what the app's schema build does.
    LazyMetadataStorage.load(await allResolvers());
  });

  it('every operation declares its policy', () => {
    const operations = [
      ...TypeMetadataStorage.getQueriesMetadata().map((m) => ({ kind: 'query', ...m })),
      ...TypeMetadataStorage.getMutationsMetadata().map((m) => ({ kind: 'mutation', ...m })),
      ...TypeMetadataStorage.getSubscriptionsMetadata().map((m) => ({ kind: 'subscription', ...m })),
    ];
    const declared = Object.fromEntries(
      operations
        .map(({ kind, schemaName, target, methodName }) => {
          const handler = (target as { prototype: Record<string, object> }).prototype[methodName]!;
          const policy = Reflect.getMetadata(POLICY_KEY, handler) as { kind: string; action?: string; subject?: string };
          const text = !policy ? 'UNDECLARED' : policy.kind === 'ability' ? `${policy.action} ${policy.subject}` : policy.kind;
          return [`${kind} ${schemaName}`, text] as const;
        })
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    expect(Object.entries(declared).filter(([, text]) => text === 'UNDECLARED')).toEqual([]);
    expect(declared).toMatchSnapshot();
  });
});
