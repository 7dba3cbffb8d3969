import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { conflictOnDuplicate } from '../database/postgres-errors.js';
import { badInput } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { type Connection, paginate, type PageArgs } from '../common/pagination.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { oneBy } from '../graphql/request-loaders.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { Agency } from './agency.entity.js';
import type { CreateAgencyInput } from './dto/create-agency.input.js';

@Injectable()
export class AgenciesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
  ) {}

  async create(caller: Caller, input: CreateAgencyInput): Promise<Agency> {
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'createAgency', input, async () => {
        await this.policy.authorize(em, caller.ability, 'read', 'Network', input.networkId);
        this.policy.assertCan(caller.ability, 'create', 'Agency', { networkId: input.networkId });
        return conflictOnDuplicate(
          em.save(em.create(Agency, { id: newId(), networkId: input.networkId, name: input.name, kind: input.kind })),
          'An agency with this name already exists in the network',
        );
      }, (id) => this.idempotency.readable(em, caller, Agency, 'Agency', id)),
    );
  }

  async list(caller: Caller, networkId: string, page: PageArgs): Promise<Connection<Agency>> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'Network', networkId);
    const qb = this.db.manager.createQueryBuilder(Agency, 'ag').where('ag.network_id = :networkId', { networkId });
    return paginate(this.policy.scope(qb, caller.ability, 'read', 'Agency'), 'ag.id', page);
  }

  async get(caller: Caller, id: string): Promise<Agency> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'Agency', id);
    return this.db.manager.findOneByOrFail(Agency, { id });
  }

  /**
   * No data crosses networks: an agency a family's record names (plan participant, goal owner, consent
   * recipient, referral receiver) must be of the family's network, else BAD_USER_INPUT naming `field`.
   */
  async requireInNetwork(em: EntityManager, agencyId: string, networkId: string, field: string): Promise<void> {
    const [agency] = await em.query(`SELECT 1 FROM agency WHERE id = $1 AND network_id = $2`, [agencyId, networkId]);
    if (!agency) throw badInput(field, `${field} must be an agency of the family's network`);
  }

  /**
   * Agencies by id for nested fields (plan team, supporter, memberships). An agency's name and kind
   * are not personal data; who may reach the parent record was decided when it was loaded.
   */
  byId(loaders: RequestLoaders, id: string): Promise<Agency | null> {
    return loaders
      .get<string, Agency | null>('agencyById', async (ids) =>
        oneBy(ids, await this.db.manager.findBy(Agency, { id: In([...ids]) }), (a) => a.id),
      )
      .load(id);
  }
}
