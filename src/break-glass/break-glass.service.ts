import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { conflict } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { familyMergeStatement } from '../database/family-merge-statement.js';
import { groupBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { InboxService } from '../inbox/inbox.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { BreakGlassGrant } from './break-glass-grant.entity.js';
import type { BreakGlassInput } from './dto/break-glass.inputs.js';

const HOUR = 3_600_000;

@Injectable()
export class BreakGlassService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly inbox: InboxService,
  ) {}

  /** Opens the family's data to the caller for at most 24 hours; the grant itself is audited. */
  async grant(caller: Caller, input: BreakGlassInput): Promise<BreakGlassGrant> {
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'breakGlass', input, async () => {
        const family = await this.policy.authorize(em, caller.ability, 'read', 'Family', input.familyId, { lock: true });
        this.policy.assertCan(caller.ability, 'create', 'BreakGlassGrant', family);
        const startsAt = new Date();
        const grant = em.create(BreakGlassGrant, {
          id: newId(),
          familyId: family.id,
          userId: caller.principal.userId!,
          agencyId: caller.principal.acting!.agencyId,
          justification: input.justification.trim(),
          startsAt,
          expiresAt: new Date(startsAt.getTime() + (input.hours ?? 24) * HOUR),
        });
        await em.insert(BreakGlassGrant, grant);
        await this.inbox.deliver(
          em,
          {
            id: grant.id,
            kind: InboxItemKind.BREAK_GLASS_USED,
            familyId: grant.familyId,
            about: { type: 'BreakGlassGrant', id: grant.id },
            params: { until: grant.expiresAt.toISOString() },
            occurredAt: startsAt,
          },
          [{ supportersOf: grant.familyId }, { portalOf: grant.familyId }],
        );
        return (await this.load(em, [grant.id]))[0]!;
      }, (id) => this.reread(em, caller, id)),
    );
  }

  /** Ends a grant early: by the one who holds it or by the family's trajectory supporter. */
  async revoke(caller: Caller, grantId: string): Promise<BreakGlassGrant> {
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'update', 'BreakGlassGrant', grantId, { lock: true });
      const [grant] = await this.load(em, [grantId]);
      if (!grant!.active) throw conflict('This break-glass grant is no longer in force');
      await em.query(`INSERT INTO break_glass_revocation (grant_id, revoked_by_user_id) VALUES ($1, $2)`, [
        grantId,
        caller.principal.userId,
      ]);
      return (await this.load(em, [grantId]))[0]!;
    });
  }

  /** Every grant on the family, newest last: the team and the family see who broke the glass. */
  grantsOf(caller: Caller, loaders: RequestLoaders, familyId: string): Promise<BreakGlassGrant[]> {
    return loaders
      .get<string, BreakGlassGrant[]>('breakGlassGrants', async (familyIds) => {
        const qb = this.db.manager
          .createQueryBuilder(BreakGlassGrant, 'bgg')
          .select('bgg.id', 'id')
          .where('bgg.family_id = ANY(:familyIds)', { familyIds })
          .orderBy('bgg.id');
        const ids: { id: string }[] = await this.policy.scope(qb, caller.ability, 'read', 'BreakGlassGrant').getRawMany();
        return groupBy(familyIds, await this.load(this.db.manager, ids.map((r) => r.id)), (g) => g.familyId);
      })
      .load(familyId);
  }

  /** A record made before under the caller's idempotency key, if the caller may read it now. */
  private async reread(em: EntityManager, caller: Caller, id: string): Promise<BreakGlassGrant> {
    await this.idempotency.readable(em, caller, BreakGlassGrant, 'BreakGlassGrant', id);
    return (await this.load(em, [id]))[0]!;
  }

  private async load(em: EntityManager, ids: string[]): Promise<BreakGlassGrant[]> {
    if (ids.length === 0) return [];
    const grants = await em.findBy(BreakGlassGrant, { id: In(ids) });
    const revoked: { grant_id: string; revoked_at: Date }[] = await em.query(
      `SELECT grant_id, revoked_at FROM break_glass_revocation WHERE grant_id = ANY($1)`,
      [ids],
    );
    const revokedAt = new Map(revoked.map((r) => [r.grant_id, r.revoked_at]));
    return grants
      .map((g) => Object.assign(g, { revokedAt: revokedAt.get(g.id) ?? null }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * A merge of two families (docs/family-merge.md): the absorbed family's grants are the surviving family's
   * (shown, ended and erased with it); a grant in force keeps its user and its end.
   */
  async moveToFamily(em: EntityManager, fromFamilyId: string, toFamilyId: string): Promise<void> {
    await familyMergeStatement(em, `UPDATE break_glass_grant SET family_id = $2 WHERE family_id = $1`, [fromFamilyId, toFamilyId]);
  }
}
