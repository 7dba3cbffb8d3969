import { createHash } from 'node:crypto';
import type { Language } from '../i18n/language.js';
import type { MembershipRole } from '../users/membership-role.js';
import { SubjectKind } from './subject-kind.js';

export interface AgencyRole {
  agencyId: string;
  networkId: string;
  servedNetworkIds: string[];
  role: MembershipRole;
}

/** Who is calling, and for which agency: resolved once per request from the bearer token. */
export interface Principal {
  subject: string;
  /** What the subject is, for good (a portal login whose link ended is still FAMILY_MEMBER). */
  kind: SubjectKind;
  /** Null for a valid token whose subject is not (yet) a user of ours. */
  userId: string | null;
  isPlatformAdmin: boolean;
  memberships: AgencyRole[];
  /**
   * The agency the user acts for: `X-Acting-Agency`, or the only agency it belongs to; its own network, and
   * the networks it serves beyond it by a service area in force (src/policy/network-reach.ts).
   */
  acting: { agencyId: string; networkId: string; servedNetworkIds: string[]; roles: MembershipRole[] } | null;
  /** Set when the subject is a family member's portal login (and then userId is null). */
  familyMember: { memberId: string; familyId: string; networkId: string } | null;
  /** Set for an integration partner's case system (client credentials); it acts for its agency. */
  integrationClient: { clientId: string; scopes: string[]; issuedAfterRotation: number } | null;
  /** The language to speak to a person in (its own setting, or the family member's preferred language); unset: the default, Dutch. */
  language?: Language;
}

/**
 * How logs and the audit name a principal: a family member by its member id, never by its login (the
 * identity provider's subject, possibly an e-mail address, is personal data that erasure removes); a
 * login that is no professional here (new, or a portal login no longer linked) by a digest of it.
 */
export function principalName(principal: Principal): string {
  if (principal.familyMember) return `member:${principal.familyMember.memberId}`;
  if (isBareLogin(principal)) return `login:${createHash('sha256').update(principal.subject).digest('hex').slice(0, 16)}`;
  return principal.subject;
}

/** A login that is nobody here: no professional, no linked family member (new, or a portal login no longer linked). */
export const isBareLogin = (principal: Principal): boolean =>
  !principal.familyMember && (principal.kind === SubjectKind.UNREGISTERED || principal.kind === SubjectKind.FAMILY_MEMBER);
