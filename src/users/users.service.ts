import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { Agency } from '../agencies/agency.entity.js';
import type { Caller } from '../auth/caller.decorator.js';
import { conflict } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { type Connection, paginate, type PageArgs } from '../common/pagination.js';
import { conflictOnDuplicate } from '../database/postgres-errors.js';
import { oneBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { PolicyService } from '../policy/policy.service.js';
import type { AddMembershipInput } from './dto/add-membership.input.js';
import { Membership } from './membership.entity.js';
import { User } from './user.entity.js';
import type { Viewer } from './viewer.type.js';

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
  ) {}

  async viewer({ principal }: Caller): Promise<Viewer> {
    const agencyIds = [...new Set(principal.memberships.map((m) => m.agencyId))];
    const [user, agencies] = await Promise.all([
      principal.userId ? this.db.manager.findOneBy(User, { id: principal.userId }) : null,
      agencyIds.length ? this.db.manager.findBy(Agency, { id: In(agencyIds) }) : [],
    ]);
    const agencyById = new Map(agencies.map((a) => [a.id, a]));
    return {
      subject: principal.subject,
      isPlatformAdmin: principal.isPlatformAdmin,
      user,
      memberships: principal.memberships.map((m) => ({ agency: agencyById.get(m.agencyId)!, role: m.role })),
      actingAgency: principal.acting ? (agencyById.get(principal.acting.agencyId) ?? null) : null,
    };
  }

  /** Adds a role in an agency, creating the user on first sight of its subject. */
  async addMembership(caller: Caller, input: AddMembershipInput): Promise<Membership> {
    return this.tx.run(caller, async (em) => {
      const agency = await this.policy.authorize(em, caller.ability, 'read', 'Agency', input.agencyId);
      this.policy.assertCan(caller.ability, 'create', 'Membership', {
        agencyId: agency.id,
        networkId: agency.networkId,
        role: input.role,
      });
      await em.query(
        `INSERT INTO app_user (id, subject, display_name) VALUES ($1, $2, $3) ON CONFLICT (subject) DO NOTHING`,
        [newId(), input.subject, input.displayName],
      );
      const user = await em.findOneByOrFail(User, { subject: input.subject });
      const membership = await conflictOnDuplicate(
        em.save(em.create(Membership, { id: newId(), userId: user.id, agencyId: agency.id, role: input.role })),
        'This user already has this role in this agency',
      );
      return Object.assign(membership, { user, agency: await em.findOneByOrFail(Agency, { id: agency.id }) });
    });
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
      const [supporting] = await em.query(
        `SELECT 1 FROM trajectory_supporter s JOIN plan p ON p.id = s.plan_id
          WHERE s.user_id = $1 AND s.agency_id = $2 AND s.state <> 'ENDED' AND p.status <> 'CLOSED'
            AND NOT EXISTS (SELECT 1 FROM membership WHERE user_id = $1 AND agency_id = $2 AND role = 'CASEWORKER')
          LIMIT 1`,
        [membership.userId, membership.agencyId],
      );
      // No gap in care: the family's supporter hands the role over before leaving.
      if (supporting) throw conflict('This user is a trajectory supporter: hand the role over first');
      await em.query(
        `UPDATE case_assignment SET ended_at = now()
          WHERE user_id = $1 AND agency_id = $2 AND ended_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM membership WHERE user_id = $1 AND agency_id = $2 AND role IN ('CASEWORKER', 'VOLUNTEER'))`,
        [membership.userId, membership.agencyId],
      );
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
