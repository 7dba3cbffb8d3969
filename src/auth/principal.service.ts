import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { forbidden } from '../common/errors.js';
import { UUID_PATTERN } from '../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Inject } from '@nestjs/common';
import type { MembershipRole } from '../users/membership-role.js';
import type { AgencyRole, Principal } from './principal.js';

/** An integration client acts for its agency, with its scopes and no role of a person. */
export function clientPrincipal(clientId: string, agencyId: string, networkId: string, scopes: string[]): Principal {
  return {
    subject: `client:${clientId}`,
    userId: null,
    isPlatformAdmin: false,
    memberships: [],
    acting: { agencyId, networkId, roles: [] },
    familyMember: null,
    integrationClient: { clientId, scopes },
  };
}

/** Turns a verified subject and the `X-Acting-Agency` header into a Principal, in one query. */
@Injectable()
export class PrincipalService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async resolve(subject: string, actingAgencyHeader: string | undefined): Promise<Principal> {
    const rows: { user_id: string; agency_id: string | null; network_id: string | null; role: MembershipRole | null }[] =
      await this.db.query(
        `SELECT u.id AS user_id, m.agency_id, a.network_id, m.role
           FROM app_user u
           LEFT JOIN membership m ON m.user_id = u.id
           LEFT JOIN agency a ON a.id = m.agency_id
          WHERE u.subject = $1`,
        [subject],
      );
    if (rows.length === 0) {
      const familyMember = await this.familyMemberOf(subject);
      if (familyMember) {
        return { subject, userId: null, isPlatformAdmin: false, memberships: [], acting: null, familyMember, integrationClient: null };
      }
    }
    const memberships: AgencyRole[] = rows
      .filter((r) => r.agency_id && r.network_id && r.role)
      .map((r) => ({ agencyId: r.agency_id!, networkId: r.network_id!, role: r.role! }));
    return {
      subject,
      userId: rows[0]?.user_id ?? null,
      isPlatformAdmin: this.config.platformAdminSubjects.has(subject),
      memberships,
      acting: this.actingAgency(memberships, actingAgencyHeader),
      familyMember: null,
      integrationClient: null,
    };
  }

  /** An integration client in force, or null when it is unknown or revoked. */
  async resolveClient(clientId: string): Promise<Principal | null> {
    const [row]: { agency_id: string; network_id: string; scopes: string[] }[] = await this.db.query(
      `SELECT ic.agency_id, a.network_id, ic.scopes FROM integration_client ic JOIN agency a ON a.id = ic.agency_id
        WHERE ic.id = $1 AND ic.revoked_at IS NULL`,
      [UUID_PATTERN.test(clientId) ? clientId : null],
    );
    return row ? clientPrincipal(clientId, row.agency_id, row.network_id, row.scopes) : null;
  }

  /** The principal as it is now, for a long-lived subscription; null when it no longer exists. */
  refresh(principal: Principal): Promise<Principal | null> {
    return principal.integrationClient
      ? this.resolveClient(principal.integrationClient.clientId)
      : this.resolve(principal.subject, principal.acting?.agencyId);
  }

  /** A family member logged in to the portal: its subject was linked by the family's caseworker. */
  private async familyMemberOf(subject: string): Promise<Principal['familyMember']> {
    const [row]: { member_id: string; family_id: string; network_id: string }[] = await this.db.query(
      `SELECT fm.id AS member_id, fm.family_id, f.network_id
         FROM family_member fm JOIN family f ON f.id = fm.family_id WHERE fm.portal_subject = $1`,
      [subject],
    );
    return row ? { memberId: row.member_id, familyId: row.family_id, networkId: row.network_id } : null;
  }

  private actingAgency(memberships: AgencyRole[], header: string | undefined): Principal['acting'] {
    const agencyIds = [...new Set(memberships.map((m) => m.agencyId))];
    const chosen = header ?? (agencyIds.length === 1 ? agencyIds[0] : undefined);
    if (chosen === undefined) return null;
    if (!UUID_PATTERN.test(chosen) || !agencyIds.includes(chosen)) {
      throw forbidden('X-Acting-Agency names an agency you are not a member of');
    }
    const roles = memberships.filter((m) => m.agencyId === chosen);
    return { agencyId: chosen, networkId: roles[0]!.networkId, roles: roles.map((m) => m.role) };
  }
}
