import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import { allResolvers } from './support/resolvers.js';

const SCHEMA_FILE = new URL('../schema.gql', import.meta.url);
const HEADER = '# ------------------------------------------------------\n# THIS FILE WAS AUTOMATICALLY GENERATED (DO NOT MODIFY)\n# ------------------------------------------------------\n\n';

/**
 * schema.gql is the committed contract: `npm run schema` regenerates it, this test fails when stale. The schema is
 * built from the resolvers' decorators as the app builds it at start, by Nest's schema factory alone (no database).
 */
describe('schema.gql', () => {
  it('is current', async () => {
    const builder = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
    try {
      const schema = await builder.get(GraphQLSchemaFactory).create(await allResolvers());
      const printed = HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
      if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, printed);
      expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printed);
    } finally {
      await builder.close();
    }
  });
});
