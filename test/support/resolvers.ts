import type { Type } from '@nestjs/common';
import { ENTRY_PROVIDER_WATERMARK } from '@nestjs/common/constants.js';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * Every resolver class of the service, imported from the `src/**\/*.resolver.ts` files: the unit tier reads their
 * decorators' metadata without starting Nest. A `@Resolver(` in a file named otherwise would be missed, so it throws.
 */
export async function allResolvers(): Promise<Type[]> {
  const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort();
  const misnamed = sources.filter((f) => !f.endsWith('.resolver.ts') && readFileSync(SRC + f, 'utf8').includes('@Resolver('));
  if (misnamed.length) throw new Error(`@Resolver outside a *.resolver.ts file: ${misnamed.join(', ')}`);
  const modules: Record<string, unknown>[] = await Promise.all(
    sources.filter((f) => f.endsWith('.resolver.ts')).map((f) => import(`../../src/${f.replace(/\.ts$/, '.js')}`)),
  );
  return modules.flatMap((m) => Object.values(m)).filter((v): v is Type => typeof v === 'function' && Reflect.getMetadata(ENTRY_PROVIDER_WATERMARK, v) === true);
}
