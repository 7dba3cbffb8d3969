import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import config from './codegen.config.js';

/** generated.ts is what the code generator makes of schema.gql and the documents: `npm run codegen` regenerates it. */
describe('test/graphql/generated.ts', () => {
  it('is current', async () => {
    const [output] = await generate({ ...config, silent: true }, false);
    expect(output.filename).toBe('test/graphql/generated.ts');
    expect(readFileSync(output.filename, 'utf8')).toBe(output.content);
  });
});
