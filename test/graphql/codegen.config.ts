import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the tests: the operations in test/graphql/*.graphql, checked against the committed
 * schema.gql, become TypedDocumentNodes with their result and variable types in generated.ts.
 * `npm run codegen` writes it; test/graphql/generated.spec.ts fails when it is stale.
 */
const config: CodegenConfig = {
  schema: 'schema.gql',
  documents: 'test/graphql/*.graphql',
  generates: {
    'test/graphql/generated.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        // ESM + nodenext with isolatedModules: type-only imports, and no runtime enums to import.
        useTypeImports: true,
        enumType: 'string-literal',
        strictScalars: true,
        scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>' },
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        skipTypename: true,
        documentMode: 'documentNode',
      },
    },
  },
};

export default config;
