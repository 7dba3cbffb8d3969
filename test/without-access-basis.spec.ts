import { subject } from '@casl/ability';
import type { Principal } from '../src/auth/principal.js';
import { SubjectKind } from '../src/auth/subject-kind.js';
import { defineAbilityFor, withoutAccessBasis } from '../src/policy/ability.factory.js';
import { MembershipRole } from '../src/users/membership-role.js';

/** The benchmark's team-only policy drops exactly the access basis, nothing else. */
describe('withoutAccessBasis (benchmark only)', () => {
  const principal: Principal = {
    subject: 'cw',
    kind: SubjectKind.PROFESSIONAL,
    userId: 'u1',
    isPlatformAdmin: false,
    memberships: [],
    acting: { agencyId: 'a1', networkId: 'n1', servedNetworkIds: [], roles: [MembershipRole.CASEWORKER] },
    familyMember: null,
    integrationClient: null,
  };
  const full = defineAbilityFor(principal);
  const bare = withoutAccessBasis(full);
  const plan = (over: Record<string, unknown>) =>
    subject('Plan', { networkId: 'n1', teamUserIds: ['u1'], consentedAgencyIds: [], authorUserId: 'u9', breakGlassUserIds: [], ...over } as Record<string, unknown>);

  it('a plan of the team without consent: refused by the policy, allowed without the basis', () => {
    expect(full.can('read', plan({}))).toBe(false);
    expect(bare.can('read', plan({}))).toBe(true);
    expect(full.can('read', plan({ consentedAgencyIds: ['a1'] }))).toBe(true);
  });

  it('still needs the team and the network', () => {
    expect(bare.can('read', plan({ teamUserIds: ['u2'] }))).toBe(false);
    expect(bare.can('read', plan({ networkId: 'n2' }))).toBe(false);
  });
});
