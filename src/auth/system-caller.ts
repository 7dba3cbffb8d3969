import { randomUUID } from 'node:crypto';
import { defineAbilityFor } from '../policy/ability.factory.js';
import type { Caller } from './caller.decorator.js';
import type { Principal } from './principal.js';
import { SubjectKind } from './subject-kind.js';

/**
 * The service itself acting (a scheduled job), named `system:<job>` in the audit and the plan history.
 * It holds no rights: what it does is decided by the job's own query, not by the policy.
 */
export function systemCaller(job: string): Caller {
  const principal: Principal = {
    subject: `system:${job}`,
    kind: SubjectKind.SYSTEM,
    userId: null,
    isPlatformAdmin: false,
    memberships: [],
    acting: null,
    familyMember: null,
    integrationClient: null,
  };
  return { principal, ability: defineAbilityFor(principal), requestId: randomUUID(), tokenExpiresAt: null };
}
