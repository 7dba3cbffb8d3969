import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Principal } from '../src/auth/principal.js';
import { SubjectKind } from '../src/auth/subject-kind.js';
import { defineAbilityFor, type PolicyAction } from '../src/policy/ability.factory.js';
import { scopeToSql, SqlParams } from '../src/policy/sql-scope.js';
import { SUBJECTS, type SubjectName } from '../src/policy/subjects.js';
import { MembershipRole } from '../src/users/membership-role.js';

/**
 * The rules as the database applies them: for each kind of principal, subject and action, the SQL predicate
 * the policy translates its rules into (parameters written as their values). Checked in beside this test
 * (policy-rules.sql) and reviewed like code: a change to ability.factory.ts or subjects.ts shows here as
 * the SQL it changes. Regenerate with `-u` (jest's update flag) after a deliberate change.
 */
const SNAPSHOT = new URL('./__snapshots__/policy-rules.sql', import.meta.url);

const ACTIONS: PolicyAction[] = [
  'create', 'read', 'readContact', 'update', 'coordinate', 'confirmHandover', 'refer', 'respond', 'intake',
  'readDetails', 'readMeetingPlace', 'readActors', 'readInsights', 'erase', 'invitePortal', 'endPortalLogin', 'assessCapacity',
];

const base = { isPlatformAdmin: false, memberships: [], acting: null, familyMember: null, integrationClient: null, userId: null };
const professional = (role: MembershipRole): Principal => ({
  ...base,
  subject: role.toLowerCase(),
  kind: SubjectKind.PROFESSIONAL,
  userId: 'user',
  acting: { agencyId: 'agency', networkId: 'network', servedNetworkIds: [], roles: [role] },
});

const PRINCIPALS: Record<string, Principal> = {
  'platform admin': { ...base, subject: 'admin', kind: SubjectKind.PLATFORM_ADMIN, isPlatformAdmin: true },
  'network coordinator': professional(MembershipRole.NETWORK_COORDINATOR),
  'agency admin': professional(MembershipRole.AGENCY_ADMIN),
  caseworker: professional(MembershipRole.CASEWORKER),
  volunteer: professional(MembershipRole.VOLUNTEER),
  'family member': {
    ...base,
    subject: 'portal',
    kind: SubjectKind.FAMILY_MEMBER,
    familyMember: { memberId: 'member', familyId: 'family', networkId: 'network' },
  },
  'integration client': {
    ...base,
    subject: 'client',
    kind: SubjectKind.INTEGRATION_CLIENT,
    acting: { agencyId: 'agency', networkId: 'network', servedNetworkIds: [], roles: [] },
    integrationClient: { clientId: 'client', scopes: ['referrals:read', 'referrals:write', 'referrals:personal'], issuedAfterRotation: 0 },
  },
};

/** A parameter as the literal it stands for, so that the text is stable and reads as SQL. */
const literal = (value: unknown): string =>
  Array.isArray(value) ? `ARRAY[${value.map(literal).join(', ')}]` : typeof value === 'string' ? `'${value}'` : String(value);

function rulesAsSql(): string {
  const sections: string[] = [];
  for (const [name, principal] of Object.entries(PRINCIPALS)) {
    const ability = defineAbilityFor(principal);
    for (const subject of Object.keys(SUBJECTS) as SubjectName[]) {
      for (const action of ACTIONS) {
        if (!ability.rulesFor(action, subject).length) continue;
        const params = new SqlParams();
        const sql = scopeToSql(ability, action, subject, params).replace(/:(pol\d+_\d+)/g, (_, key: string) => literal(params.values[key]));
        sections.push(`-- ${name} × ${subject} × ${action}\n${sql};\n`);
      }
    }
  }
  return sections.join('\n');
}

describe('the rules as SQL (policy-rules.sql)', () => {
  it('are those checked in', () => {
    const actual = rulesAsSql();
    const update = (expect.getState() as { snapshotState?: { _updateSnapshot?: string } }).snapshotState?._updateSnapshot === 'all';
    if (update) writeFileSync(SNAPSHOT, actual);
    expect(existsSync(SNAPSHOT) ? readFileSync(SNAPSHOT, 'utf8') : 'policy-rules.sql is missing: run this test with -u').toBe(actual);
  });
});
