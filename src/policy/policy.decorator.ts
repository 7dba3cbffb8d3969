import { SetMetadata } from '@nestjs/common';
import type { PolicyAction } from './ability.factory.js';
import type { SubjectName } from './subjects.js';

export const POLICY_KEY = 'policy';
export const PUBLIC_KEY = 'public';

export type DeclaredPolicy =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'ability'; action: PolicyAction; subject: SubjectName };

/**
 * Every operation declares who may reach it; the policy guard refuses operations that declare
 * nothing. A type-level check ("may create some Plan"); the record-level check follows in the service.
 */
export const Policy = (action: PolicyAction, subject: SubjectName) =>
  SetMetadata(POLICY_KEY, { kind: 'ability', action, subject } satisfies DeclaredPolicy);

/** Any authenticated caller (the operation itself shows only the caller's own data). */
export const Authenticated = () => SetMetadata(POLICY_KEY, { kind: 'authenticated' } satisfies DeclaredPolicy);

/** Deliberately reachable without a token (health checks, token endpoint). */
export const Public = () => SetMetadata(POLICY_KEY, { kind: 'public' } satisfies DeclaredPolicy);
