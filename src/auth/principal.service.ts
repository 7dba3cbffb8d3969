import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { forbidden } from '../common/errors.js';
import { UUID_PATTERN } from '../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { MembershipRole } from '../users/membership-role.js';
import { type AgencyRole, isBareLogin, type Principal } from './principal.js';
import type { PrincipalCheck } from './principal-check.js';
import { type RecordedSubjectKind, SubjectKind } from './subject-kind.js';
import { systemCaller } from './system-caller.js';
import { readWithoutAudit } from '../audit/personal-reader.js';
import { languageOf } from '../i18n/language.js';
import { networksServedBeyondHome } from '../policy/network-reach.js';

/** An integration client acts for its agency, with its scopes and no role of a person. */
export function clientPrincipal(clientId: string, agencyId: string, networkId: string, scopes: string[], issuedAfterRotation = 0): Principal {
  return {
    subject: `client:${clientId}`,
    kind: SubjectKind.INTEGRATION_CLIENT,
    userId: null,
    isPlatformAdmin: false,
    memberships: [],
    // Its agency's service areas give a partner system nothing: its rules name the agency, never a network.
    acting: { agencyId, networkId, servedNetworkIds: [], roles: [] },
    familyMember: null,
    integrationClient: { clientId, scopes, issuedAfterRotation },
  };
}

/** One row of the principal's statement: per membership of a professional, one for anyone else. */
interface PrincipalRow {
  kind: RecordedSubjectKind | null;
  user_id: string | null;
  agency_id: string | null;
  network_id: string | null;
  served_network_ids: string[] | null;
  role: MembershipRole | null;
  member_id: string | null;
  family_id: string | null;
  family_network_id: string | null;
  /** The user's language setting, or the family member's preferred language (any language tag). */
  language: string | null;
}

/**
 * The principal's rows for a person's token `subject` (SQL of a parameter): per membership of a professional,
 * one for anyone else. The family member's columns only for a recorded portal login: one row then
 * (portal_subject is unique).
 */
const personRows = (subject: string) =>
  `SELECT si.kind, u.id AS user_id, m.agency_id, a.network_id, ${networksServedBeyondHome('m.agency_id')} AS served_network_ids, m.role, fm.id AS member_id, fm.family_id, f.network_id AS family_network_id,
          coalesce(u.preferred_language, fm.preferred_language) AS language
     FROM (SELECT subject_digest(${subject}) AS digest) s
     LEFT JOIN subject_identity si ON si.digest = s.digest
     LEFT JOIN app_user u ON u.subject = ${subject}
     LEFT JOIN membership m ON m.user_id = u.id
     LEFT JOIN agency a ON a.id = m.agency_id
     LEFT JOIN family_member fm ON fm.portal_subject = ${subject} AND si.kind = 'FAMILY_MEMBER' AND fm.left_on IS NULL
     LEFT JOIN family f ON f.id = fm.family_id`;

/** An integration client's row while it is in force for a token issued after the rotation at `issuedAfterRotation` (ms). */
const clientRows = (clientId: string, issuedAfterRotation: string) =>
  `SELECT ic.agency_id, a.network_id, ic.scopes FROM integration_client ic JOIN agency a ON a.id = ic.agency_id
    WHERE ic.id = ${clientId} AND ic.revoked_at IS NULL
      AND (ic.tokens_valid_from IS NULL OR ${issuedAfterRotation} >= floor(extract(epoch FROM ic.tokens_valid_from) * 1000))`;

/** A digest of all rows of `relation` (in a fixed order): what a remembered principal was built from. */
const fingerprintOf = (relation: string) => `(SELECT md5(coalesce(string_agg(fp::text, '|' ORDER BY fp::text), '')) FROM ${relation} fp)`;

/** At most this many remembered principals (a few MB). */
const MAX_REMEMBERED = 10_000;

/** A principal read on an earlier request, and the condition under which it still holds. */
export interface RememberedPrincipal {
  principal: Principal;
  check: PrincipalCheck;
}

/**
 * Turns a verified subject and the `X-Acting-Agency` header into a Principal, in one statement, read anew
 * on every request — or, for a compiled read, remembered and checked by the read's own statement
 * (PrincipalCheck): a revoked membership, a role change or an unlinked portal login counts from the next
 * request on (docs/decisions.md, "The per-request fixed cost"). What the subject may
 * be follows from its recorded kind (subject_identity), never from which table happens to name it.
 */
@Injectable()
export class PrincipalService implements OnApplicationBootstrap {
  private readonly logger = new Logger(PrincipalService.name);
  /** By subject and acting-agency header (a client by id and rotation time): never trusted without its check. */
  private readonly known = new Map<string, RememberedPrincipal>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: AuditedTransactions,
  ) {}

  /**
   * Records the configured platform admins as such, so that no operation can later make them a member
   * or a portal login. A configured subject that is already of another kind stays what it is.
   */
  async onApplicationBootstrap(): Promise<void> {
    const subjects = [...this.config.platformAdminSubjects];
    if (subjects.length === 0) return;
    const kinds: { kind: RecordedSubjectKind }[] = await this.tx.run(systemCaller('platform-admins'), async (em) => {
      await em.query(
        `INSERT INTO subject_identity (digest, kind) SELECT subject_digest(s), 'PLATFORM_ADMIN' FROM unnest($1::text[]) s
          ON CONFLICT DO NOTHING`,
        [subjects],
      );
      return em.query(
        `SELECT si.kind FROM unnest($1::text[]) WITH ORDINALITY s(subject, n) JOIN subject_identity si ON si.digest = subject_digest(s.subject)
          ORDER BY s.n`,
        [subjects],
      );
    });
    kinds.forEach(({ kind }, index) => {
      if (kind !== SubjectKind.PLATFORM_ADMIN) {
        this.logger.warn(`PLATFORM_ADMIN_SUBJECTS entry ${index + 1} is already a ${kind} login: it is not a platform admin`);
      }
    });
  }

  async resolve(subject: string, actingAgencyHeader: string | undefined): Promise<Principal> {
    const rows: (PrincipalRow & { fingerprint: string })[] = await readWithoutAudit(
      'who the caller is (authentication)',
      this.db.query(`WITH p AS MATERIALIZED (${personRows('$1')}) SELECT p.*, ${fingerprintOf('p')} AS fingerprint FROM p`, [subject]),
    );
    const principal = this.personOf(subject, actingAgencyHeader, rows);
    this.remember(`person:${subject}:${actingAgencyHeader ?? ''}`, principal, rows[0]!.fingerprint, (param) => personRows(param(subject)));
    return principal;
  }

  /**
   * The principal `resolve` last read for this subject and header, with the check a compiled read puts in its
   * statement (PrincipalCheck); undefined when none is remembered.
   */
  remembered(subject: string, actingAgencyHeader: string | undefined): RememberedPrincipal | undefined {
    return this.known.get(`person:${subject}:${actingAgencyHeader ?? ''}`);
  }

  /** The integration client `resolveClient` last found in force for this token's rotation time, with its check. */
  rememberedClient(clientId: string, issuedAfterRotation: number): RememberedPrincipal | undefined {
    return this.known.get(`client:${clientId}:${issuedAfterRotation}`);
  }

  /**
   * Keeps `principal` with the digest of the rows it was built from (the least recently read forgotten first):
   * any change of those rows — a membership, a role, a served network, a portal link, a language, a revoked
   * client — changes the digest, and the check fails.
   */
  private remember(key: string, principal: Principal, fingerprint: string, rows: (param: (value: unknown) => string) => string): void {
    this.known.delete(key);
    // A login that is nobody here yet (or a portal login no longer linked) is not kept: a compiled read shows it
    // nothing, and the request's log names the principal before the statement checks it (logging.module.ts), so a
    // login linked since would be logged by its login instead of by its member (test/logging.e2e-spec.ts).
    if (isBareLogin(principal)) return;
    if (this.known.size >= MAX_REMEMBERED) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, { principal, check: { sql: (param) => `${fingerprintOf(`(${rows(param)})`)} = ${param(fingerprint)}` } });
  }

  private personOf(subject: string, actingAgencyHeader: string | undefined, rows: PrincipalRow[]): Principal {
    const first = rows[0];
    const kind = first?.kind ?? null;
    const language = languageOf(first?.language);
    const none: Principal = { subject, kind: kind ?? SubjectKind.UNREGISTERED, userId: null, isPlatformAdmin: false, memberships: [], acting: null, familyMember: null, integrationClient: null, language };
    switch (kind) {
      case SubjectKind.FAMILY_MEMBER:
        // Null once unlinked, or once she left the household (docs/family-members.md).
        return {
          ...none,
          familyMember: first?.member_id ? { memberId: first.member_id, familyId: first.family_id!, networkId: first.family_network_id! } : null,
        };
      case SubjectKind.PROFESSIONAL: {
        const memberships: AgencyRole[] = rows
          .filter((r) => r.agency_id && r.network_id && r.role)
          .map((r) => ({ agencyId: r.agency_id!, networkId: r.network_id!, servedNetworkIds: r.served_network_ids ?? [], role: r.role! }));
        return { ...none, userId: first!.user_id, memberships, acting: this.actingAgency(memberships, actingAgencyHeader) };
      }
      case SubjectKind.PLATFORM_ADMIN:
      case null:
        // A platform admin (recorded as one at start), or a subject with no role here yet.
        return this.config.platformAdminSubjects.has(subject) ? { ...none, kind: SubjectKind.PLATFORM_ADMIN, isPlatformAdmin: true } : none;
    }
  }

  /**
   * An integration client in force, or null when it is unknown, revoked, or its token was issued before a
   * rotation that ended the tokens of a leaked secret (`issuedAfterRotation`: the rotation time, ms, the
   * token carries; exact, where the token's `iat` in seconds would leave a window).
   */
  async resolveClient(clientId: string, issuedAfterRotation: number): Promise<Principal | null> {
    const id = UUID_PATTERN.test(clientId) ? clientId : null;
    const [row]: { agency_id: string; network_id: string; scopes: string[]; fingerprint: string }[] = await this.db.query(
      `WITH p AS MATERIALIZED (${clientRows('$1', '$2')}) SELECT p.*, ${fingerprintOf('p')} AS fingerprint FROM p`,
      [id, issuedAfterRotation],
    );
    if (!row) return null;
    const principal = clientPrincipal(clientId, row.agency_id, row.network_id, row.scopes, issuedAfterRotation);
    this.remember(`client:${clientId}:${issuedAfterRotation}`, principal, row.fingerprint, (param) => clientRows(param(id), param(issuedAfterRotation)));
    return principal;
  }

  /** The principal as it is now, for a long-lived subscription; null when it no longer exists. */
  refresh(principal: Principal): Promise<Principal | null> {
    return principal.integrationClient
      ? this.resolveClient(principal.integrationClient.clientId, principal.integrationClient.issuedAfterRotation)
      : this.resolve(principal.subject, principal.acting?.agencyId);
  }

  private actingAgency(memberships: AgencyRole[], header: string | undefined): Principal['acting'] {
    const agencyIds = [...new Set(memberships.map((m) => m.agencyId))];
    const chosen = header ?? (agencyIds.length === 1 ? agencyIds[0] : undefined);
    if (chosen === undefined) return null;
    if (!UUID_PATTERN.test(chosen) || !agencyIds.includes(chosen)) {
      throw forbidden('X-Acting-Agency names an agency you are not a member of');
    }
    const roles = memberships.filter((m) => m.agencyId === chosen);
    return { agencyId: chosen, networkId: roles[0]!.networkId, servedNetworkIds: roles[0]!.servedNetworkIds, roles: roles.map((m) => m.role) };
  }
}
