import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { SubjectKind } from '../auth/subject-kind.js';
import { badInput, conflict, forbidden, notFound } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { refusedForOtherKind } from '../database/postgres-errors.js';
import { FamiliesService } from '../families/families.service.js';
import { PolicyService } from '../policy/policy.service.js';
import type { PortalInvitationCode, PortalLogin } from './portal-invitation.type.js';
import { readWithoutAudit } from '../audit/personal-reader.js';

/** How long a portal invitation can be redeemed. */
const PORTAL_INVITATION_DAYS = 7;

const digestOf = (code: string) => createHash('sha256').update(code, 'utf8').digest('hex');

/**
 * Portal logins by invitation: the family's team hands a member a one-time code, and the member redeems
 * it with her own login, so that the subject always comes from the member's own token and nobody can
 * name (or take over) someone else's. Ending a login is explicit and recorded for the family to see.
 */
@Injectable()
export class PortalInvitationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tx: AuditedTransactions,
    private readonly policy: PolicyService,
    private readonly families: FamiliesService,
  ) {}

  /** A new code for the member; an earlier one not yet redeemed stops working. */
  async create(caller: Caller, memberId: string): Promise<PortalInvitationCode> {
    return this.tx.run(caller, async (em) => {
      const member = await this.policy.authorize(em, caller.ability, 'invitePortal', 'FamilyMember', memberId, { lock: true });
      const [state]: { capable: boolean; linked: boolean }[] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
        `SELECT member_is_capable(fm) AS capable, fm.portal_subject IS NOT NULL AS linked FROM family_member fm WHERE fm.id = $1`,
        [memberId],
      ));
      if (!state!.capable) throw badInput('memberId', 'Only a member who decides for itself gets a portal login');
      if (state!.linked) throw conflict('This member already has a portal login: end it first (unlinkFamilyPortal)');
      await em.query(
        `UPDATE portal_invitation SET withdrawn_at = now() WHERE member_id = $1 AND redeemed_at IS NULL AND withdrawn_at IS NULL`,
        [memberId],
      );
      const code = randomBytes(18).toString('base64url');
      const [invitation]: { id: string; expires_at: Date }[] = await em.query(
        `INSERT INTO portal_invitation (id, family_id, member_id, code_digest, created_by_user_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6)) RETURNING id, expires_at`,
        [newId(), member.familyId as string, memberId, digestOf(code), caller.principal.userId, PORTAL_INVITATION_DAYS],
      );
      return { invitationId: invitation!.id, memberId, code, expiresAt: invitation!.expires_at };
    });
  }

  /**
   * The caller's own login becomes the member's portal login. A professional's or an admin's login never
   * can (a subject keeps its kind); an unknown, used, withdrawn or expired code is not found.
   */
  async redeem(caller: Caller, code: string): Promise<PortalLogin> {
    const { principal } = caller;
    const notPersonal = forbidden('Only a personal login can become a family portal login: redeem the code with your own login');
    if (principal.kind !== SubjectKind.UNREGISTERED && principal.kind !== SubjectKind.FAMILY_MEMBER) throw notPersonal;
    if (principal.familyMember) throw conflict('This login is already the portal login of a family member');
    const invitation = await this.openInvitation(this.db.manager, code);
    if (!invitation) throw notFound('PortalInvitation');
    // Recorded as the member acting for herself, like every portal write (never the login itself). The
    // transaction names its actor before its first statement: so the member is looked up first, and the
    // invitation locked and checked again inside (another redemption may have come in between).
    const actor = { subject: `member:${invitation.member_id}`, userId: null, memberId: invitation.member_id, agencyId: null, requestId: caller.requestId };
    return this.tx.runAs(actor, 'FAMILY_SELF', async (em) => {
      const locked = await this.openInvitation(em, code, { lock: true });
      if (!locked) throw notFound('PortalInvitation');
      const linked = await refusedForOtherKind(this.families.linkPortalLogin(em, locked.member_id, principal.subject), notPersonal);
      if (!linked) throw conflict('This member already has a portal login');
      await em.query(`UPDATE portal_invitation SET redeemed_at = now() WHERE id = $1`, [locked.id]);
      return { memberId: locked.member_id, familyId: locked.family_id, linked: true };
    });
  }

  /** Ends the member's portal login: by the member herself, or by her family's team. */
  async unlink(caller: Caller, memberId: string): Promise<PortalLogin> {
    return this.tx.run(caller, async (em) => {
      const member = await this.policy.authorize(em, caller.ability, 'endPortalLogin', 'FamilyMember', memberId, { lock: true });
      if (!(await this.families.endPortalLogin(em, memberId))) throw conflict('This member has no portal login');
      await em.query(`INSERT INTO portal_login_ended (id, family_id, member_id, ended_by_user_id, reason) VALUES ($1, $2, $3, $4, 'UNLINKED')`, [
        newId(),
        member.familyId,
        memberId,
        caller.principal.userId,
      ]);
      return { memberId, familyId: member.familyId as string, linked: false };
    });
  }

  /**
   * A merge of members that are the same person ended these records' portal logins, because the member each
   * became has her own (FamiliesService.mergeMembers): recorded as ended, by who confirmed the merge, for that
   * reason, in the family that goes on. The person keeps logging in with the surviving member's login.
   */
  async recordEndedByMemberMerge(em: EntityManager, caller: Caller, familyId: string, memberIds: string[]): Promise<void> {
    if (memberIds.length === 0) return;
    await em.query(
      `INSERT INTO portal_login_ended (id, family_id, member_id, ended_by_user_id, reason)
       SELECT ids.id, $1, ids.member_id, $2, 'MEMBER_MERGED' FROM unnest($3::uuid[], $4::uuid[]) ids(id, member_id)`,
      [familyId, caller.principal.userId, memberIds.map(() => newId()), memberIds],
    );
  }

  private async openInvitation(
    em: EntityManager,
    code: string,
    options: { lock?: boolean } = {},
  ): Promise<{ id: string; member_id: string; family_id: string } | undefined> {
    const [row] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
      `SELECT pi.id, pi.member_id, pi.family_id FROM portal_invitation pi JOIN family_member fm ON fm.id = pi.member_id
        WHERE pi.code_digest = $1 AND pi.redeemed_at IS NULL AND pi.withdrawn_at IS NULL AND pi.expires_at > now()
          AND fm.erased_at IS NULL${options.lock ? ' FOR UPDATE OF pi' : ''}`,
      [digestOf(code)],
    ));
    return row;
  }
}
