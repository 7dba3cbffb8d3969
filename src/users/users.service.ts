import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { CaseAssignmentWriter } from '../assignments/case-assignment-writer.js';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { Agency } from '../agencies/agency.entity.js';
import type { Caller } from '../auth/caller.decorator.js';
import { SubjectKind } from '../auth/subject-kind.js';
import { conflict, forbidden, invalidTransition, notFound } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { type Connection, paginate, type PageArgs } from '../common/pagination.js';
import { conflictOnDuplicate, refusedForOtherKind } from '../database/postgres-errors.js';
import { oneBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PolicyService } from '../policy/policy.service.js';
import type { AddMembershipInput } from './dto/add-membership.input.js';
import { MembershipInvitation } from './membership-invitation.entity.js';
import type { MembershipRole } from './membership-role.js';
import { MembershipStatus } from './membership-status.js';
import { Membership } from './membership.entity.js';
import { User } from './user.entity.js';
import { type SetWorkContactInput, type WorkContact, workContactOf } from './work-contact.js';
import type { Viewer } from './viewer.type.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { readWithoutAudit } from '../audit/personal-reader.js';
import { MemberLanguage } from '../families/member-language.js';

/** How long an invitation to join an agency can be accepted. */
const MEMBERSHIP_INVITATION_DAYS = 14;

/** An invitation row, answered as a membership INVITED. */
interface InvitationRow {
  id: string;
  agency_id: string;
  role: MembershipRole;
  created_at: Date;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly assignments: CaseAssignmentWriter,
    private readonly memberLanguage: MemberLanguage,
  ) {}

  viewer({ principal }: Caller): Viewer {
    return { subject: principal.subject, kind: principal.kind, isPlatformAdmin: principal.isPlatformAdmin, language: principal.language ?? DEFAULT_LANGUAGE, principal };
  }

  /**
   * The caller's own language for what the service writes to it: a professional's setting, or a portal
   * member's own preferredLanguage (hers only, whatever her age: no one sets another's here). Counts from
   * the next request on.
   */
  async setLanguage(caller: Caller, language: Language): Promise<Viewer> {
    const { userId, familyMember } = caller.principal;
    if (!userId && !familyMember) throw forbidden('Only a professional or a family member in the portal sets its own language');
    await this.tx.run(caller, (em) =>
      familyMember
        ? this.memberLanguage.setOwn(em, caller, familyMember.memberId, language)
        : em.query(`UPDATE app_user SET preferred_language = $2 WHERE id = $1`, [userId, language]),
    );
    return this.viewer({ ...caller, principal: { ...caller.principal, language } });
  }

  /**
   * A professional's work contact with its version, to whoever may set it (`setWorkContact`), so that an agency admin
   * has the version she sends as `expectedVersion`.
   */
  async workContact(caller: Caller, userId: string): Promise<WorkContact> {
    return (await this.contactToSet(this.db.manager, caller, userId)).current;
  }

  /**
   * Sets a professional's work contact (`contactToSet`: who may). The user row is locked: the same
   * contact again answers it unchanged (no new version, nothing written, whatever `expectedVersion`: a retry
   * overwrites nobody), another contact at a stale `expectedVersion` answers CONFLICT naming the current one.
   * Audited as a change of app_user.
   */
  async setWorkContact(caller: Caller, input: SetWorkContactInput): Promise<WorkContact> {
    return this.tx.run(caller, async (em) => {
      const { userId, current } = await this.contactToSet(em, caller, input.userId, { lock: true });
      const wanted = { email: input.email?.trim() || null, phone: input.phone?.trim() || null };
      if (wanted.email === current.email && wanted.phone === current.phone) return current;
      if (input.expectedVersion != null && input.expectedVersion !== current.version) {
        throw conflict(`The work contact changed meanwhile: version ${current.version}, not ${input.expectedVersion}`);
      }
      await em.query(`UPDATE app_user SET work_email = $2, work_phone = $3, work_contact_version = work_contact_version + 1 WHERE id = $1`, [
        userId,
        wanted.email,
        wanted.phone,
      ]);
      return { ...wanted, version: current.version + 1 };
    });
  }

  /**
   * The work contact the caller may set: her own (any user; `userId` left out or hers), or a member's of an agency
   * whose admin the caller is (`editWorkContact` on one of her memberships); anyone else NOT_FOUND, a caller who is
   * no professional FORBIDDEN.
   */
  private async contactToSet(em: EntityManager, caller: Caller, userId: string | undefined, options: { lock?: boolean } = {}): Promise<{ userId: string; current: WorkContact }> {
    const self = caller.principal.userId;
    if (!self) throw forbidden('Only a professional has a work contact');
    const whose = userId ?? self;
    if (whose !== self) {
      const members = em.createQueryBuilder(Membership, 'm').where('m.user_id = :userId', { userId: whose });
      const managed = await this.policy.scope(members, caller.ability, 'editWorkContact', 'Membership').getExists();
      if (!managed) throw notFound('User');
    }
    const [user]: User[] = await em.query(
      `SELECT work_email AS "workEmail", work_phone AS "workPhone", work_contact_version AS "workContactVersion" FROM app_user WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
      [whose],
    );
    return { userId: whose, current: workContactOf(user!) };
  }

  /**
   * Adds a role in an agency. A subject never seen before becomes a user with that role at once, and one
   * the agency already employs gets the extra role. Any other existing subject (a professional elsewhere,
   * a portal login, a platform admin) is only invited, all alike: the answer reveals nothing about it, and
   * nothing changes for it unless it accepts (acceptMembershipInvitation), which only a professional can.
   */
  async addMembership(caller: Caller, input: AddMembershipInput): Promise<Membership> {
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'addMembership', input, async () => {
        const agency = await this.policy.authorize(em, caller.ability, 'read', 'Agency', input.agencyId);
        this.policy.assertCan(caller.ability, 'create', 'Membership', {
          agencyId: agency.id,
          networkId: agency.networkId,
          role: input.role,
        });
        const [known]: { in_agency: boolean }[] = await em.query(
          `SELECT EXISTS (SELECT 1 FROM app_user u JOIN membership m ON m.user_id = u.id WHERE u.subject = $1 AND m.agency_id = $2) AS in_agency
             FROM subject_identity si WHERE si.digest = subject_digest($1)`,
          [input.subject, agency.id],
        );
        if (known && !known.in_agency) return this.invite(em, agency.id, input);
        return this.grant(em, await this.userOf(em, input.subject, input.displayName), agency.id, input.role);
      }, (id) => this.reread(em, caller, id)),
    );
  }

  /**
   * The caller accepts a role offered to her login. Only a professional (or a login new here) can: a
   * portal login or a platform admin stays what it is.
   */
  async acceptMembershipInvitation(caller: Caller, invitationId: string): Promise<Membership> {
    const { principal } = caller;
    return this.tx.run(caller, async (em) => {
      const [invitation]: (MembershipInvitation & { expired: boolean })[] = await em.query(
        `SELECT id, agency_id AS "agencyId", role, display_name AS "displayName", accepted_at AS "acceptedAt",
                expires_at <= now() AS expired
           FROM membership_invitation WHERE id = $1 AND subject_digest = subject_digest($2) FOR UPDATE`,
        [invitationId, principal.subject],
      );
      if (!invitation) throw notFound('MembershipInvitation');
      if (invitation.acceptedAt) throw invalidTransition('The invitation', 'ACCEPTED', 'accept it');
      if (invitation.expired) throw invalidTransition('The invitation', 'EXPIRED', 'accept it');
      const refusal = forbidden('A family portal login or a platform admin cannot join an agency: accept with your professional login');
      if (principal.kind !== SubjectKind.PROFESSIONAL && principal.kind !== SubjectKind.UNREGISTERED) throw refusal;
      const user = await refusedForOtherKind(this.userOf(em, principal.subject, invitation.displayName), refusal);
      const membership = await this.grant(em, user, invitation.agencyId, invitation.role);
      await em.update(MembershipInvitation, { id: invitation.id }, { acceptedAt: () => 'now()', membershipId: membership.id });
      return membership;
    });
  }

  /**
   * The user of `subject`, made with `displayName` on first sight: the insert claims the subject as a
   * professional's for good (migration OneKindPerSubject), and fails for a subject of another kind.
   */
  private async userOf(em: EntityManager, subject: string, displayName: string): Promise<User> {
    await em.query(`INSERT INTO app_user (id, subject, display_name) VALUES ($1, $2, $3) ON CONFLICT (subject) DO NOTHING`, [
      newId(),
      subject,
      displayName,
    ]);
    return em.findOneByOrFail(User, { subject });
  }

  private async grant(em: EntityManager, user: User, agencyId: string, role: MembershipRole): Promise<Membership> {
    const membership = await conflictOnDuplicate(
      em.save(em.create(Membership, { id: newId(), userId: user.id, agencyId, role })),
      'This user already has this role in this agency',
    );
    return Object.assign(membership, { status: MembershipStatus.ACTIVE, user, agency: await em.findOneByOrFail(Agency, { id: agencyId }) });
  }

  /** An invitation, answered as a membership INVITED: no user, so that nothing about the invitee shows. */
  private async invite(em: EntityManager, agencyId: string, input: AddMembershipInput): Promise<Membership> {
    const [invitation]: InvitationRow[] = await em.query(
      `INSERT INTO membership_invitation (id, agency_id, subject_digest, role, display_name, expires_at)
       VALUES ($1, $2, subject_digest($3), $4, $5, now() + make_interval(days => $6)) RETURNING id, agency_id, role, created_at`,
      [newId(), agencyId, input.subject, input.role, input.displayName, MEMBERSHIP_INVITATION_DAYS],
    );
    return this.asMembership(em, invitation!);
  }

  private async asMembership(em: EntityManager, invitation: InvitationRow): Promise<Membership> {
    return Object.assign(new Membership(), {
      id: invitation.id,
      agencyId: invitation.agency_id,
      role: invitation.role,
      createdAt: invitation.created_at,
      status: MembershipStatus.INVITED,
      user: null,
      agency: await em.findOneByOrFail(Agency, { id: invitation.agency_id }),
    });
  }

  /**
   * A membership or invitation addMembership made before under the caller's idempotency key, if the
   * caller may still read the agency's memberships.
   */
  private async reread(em: EntityManager, caller: Caller, id: string): Promise<Membership> {
    const [invitation]: InvitationRow[] = await em.query(
      `SELECT id, agency_id, role, created_at FROM membership_invitation WHERE id = $1`,
      [id],
    );
    if (!invitation) return this.idempotency.readable(em, caller, Membership, 'Membership', id);
    await this.policy.authorize(em, caller.ability, 'read', 'Agency', invitation.agency_id);
    return this.asMembership(em, invitation);
  }

  /** The roles offered to the caller's login and not yet accepted, while they last. */
  async invitationsOf(subject: string): Promise<MembershipInvitation[]> {
    return this.db.manager
      .createQueryBuilder(MembershipInvitation, 'i')
      .where('i.subject_digest = subject_digest(:subject) AND i.accepted_at IS NULL AND i.expires_at > now()', { subject })
      .orderBy('i.created_at')
      .getMany();
  }

  /**
   * Ends a role in an agency. Without a caseworker or volunteer role left there, the user's case
   * assignments for that agency end too: need to know stops with the job.
   */
  async removeMembership(caller: Caller, membershipId: string): Promise<Membership> {
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'update', 'Membership', membershipId, { lock: true });
      const membership = await em.findOneByOrFail(Membership, { id: membershipId });
      await em.delete(Membership, { id: membershipId });
      const [supporting] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
        `SELECT 1 FROM trajectory_supporter s JOIN plan p ON p.id = s.plan_id
          WHERE s.user_id = $1 AND s.agency_id = $2 AND s.state <> 'ENDED' AND p.status <> 'CLOSED'
            AND NOT EXISTS (SELECT 1 FROM membership WHERE user_id = $1 AND agency_id = $2 AND role = 'CASEWORKER')
          LIMIT 1`,
        [membership.userId, membership.agencyId],
      ));
      // No gap in care: the family's supporter hands the role over before leaving.
      if (supporting) throw conflict('This user is a trajectory supporter: hand the role over first');
      await this.assignments.endWithoutCaseRole(em, membership.userId, membership.agencyId);
      return membership;
    });
  }

  async memberships(caller: Caller, agencyId: string, page: PageArgs): Promise<Connection<Membership>> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'Agency', agencyId);
    const qb = this.db.manager.createQueryBuilder(Membership, 'm').where('m.agency_id = :agencyId', { agencyId });
    return paginate(this.policy.scope(qb, caller.ability, 'read', 'Membership'), 'm.id', page);
  }

  /** Users by id for nested fields: a professional's display name is not family data. */
  byId(loaders: RequestLoaders, id: string): Promise<User | null> {
    return loaders
      .get<string, User | null>('userById', async (ids) =>
        oneBy(ids, await this.db.manager.findBy(User, { id: In([...ids]) }), (u) => u.id),
      )
      .load(id);
  }
}
