import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { conflictOnDuplicate } from '../database/postgres-errors.js';
import { badInput, invalidTransition } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { type Connection, paginate, type PageArgs } from '../common/pagination.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { oneBy } from '../graphql/request-loaders.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { agencyWorksIn } from '../policy/network-reach.js';
import { PolicyService } from '../policy/policy.service.js';
import { Agency } from './agency.entity.js';
import { AgencyServiceArea } from './agency-service-area.entity.js';
import type { CreateAgencyInput } from './dto/create-agency.input.js';
import type { AgencyServiceAreaInput } from './dto/service-area.input.js';

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

  /**
   * A coordinator of `networkId` admits an agency of another network to serve it. Admitting again while
   * the service area is in force changes nothing and answers it.
   */
  async admitServiceArea(caller: Caller, input: AgencyServiceAreaInput): Promise<AgencyServiceArea> {
    return this.tx.run(caller, async (em) => {
      await this.requireServedNetwork(em, caller, input);
      const inForce = await this.serviceAreaInForce(em, input);
      if (inForce) return inForce;
      const area = em.create(AgencyServiceArea, {
        id: newId(),
        ...input,
        admittedByUserId: caller.principal.userId,
        admittedAt: new Date(),
        endedByUserId: null,
        endedAt: null,
      });
      await conflictOnDuplicate(em.insert(AgencyServiceArea, area), 'The agency was admitted to this network meanwhile');
      return area;
    });
  }

  /**
   * Ends the service area: from the next request on, the agency's caseworkers no longer reach the
   * network's families (their principal no longer names the network). Ending it again answers the one ended.
   */
  async endServiceArea(caller: Caller, input: AgencyServiceAreaInput): Promise<AgencyServiceArea> {
    return this.tx.run(caller, async (em) => {
      await this.requireServedNetwork(em, caller, input);
      const inForce = await this.serviceAreaInForce(em, input, { lock: true });
      if (inForce) {
        Object.assign(inForce, { endedAt: new Date(), endedByUserId: caller.principal.userId });
        await em.update(AgencyServiceArea, { id: inForce.id }, { endedAt: inForce.endedAt, endedByUserId: inForce.endedByUserId });
        return inForce;
      }
      const ended = await em.findOne(AgencyServiceArea, { where: { agencyId: input.agencyId, networkId: input.networkId }, order: { endedAt: 'DESC' } });
      if (!ended) throw invalidTransition('Service area', 'NOT_ADMITTED', 'end');
      return ended;
    });
  }

  /** The caller coordinates the served network, and the agency exists and is of another network. */
  private async requireServedNetwork(em: EntityManager, caller: Caller, input: AgencyServiceAreaInput): Promise<void> {
    await this.policy.authorize(em, caller.ability, 'read', 'Network', input.networkId);
    // Admitting an agency to work in the network is the coordinator's power to add agencies to it.
    this.policy.assertCan(caller.ability, 'create', 'Agency', { networkId: input.networkId });
    const agency = await em.findOneBy(Agency, { id: input.agencyId });
    if (!agency) throw badInput('agencyId', 'agencyId is no agency');
    if (agency.networkId === input.networkId) throw badInput('networkId', 'networkId is the agency’s own network');
  }

  private serviceAreaInForce(em: EntityManager, input: AgencyServiceAreaInput, options: { lock?: boolean } = {}) {
    return em.findOne(AgencyServiceArea, {
      where: { agencyId: input.agencyId, networkId: input.networkId, endedAt: IsNull() },
      ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  async list(caller: Caller, networkId: string, page: PageArgs): Promise<Connection<Agency>> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'Network', networkId);
    // The network's own agencies and the regional agencies serving it.
    const qb = this.db.manager.createQueryBuilder(Agency, 'ag').where(agencyWorksIn('ag.id', ':networkId'), { networkId });
    return paginate(this.policy.scope(qb, caller.ability, 'read', 'Agency'), 'ag.id', page);
  }

  async get(caller: Caller, id: string): Promise<Agency> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'Agency', id);
    return this.db.manager.findOneByOrFail(Agency, { id });
  }

  /**
   * No data crosses networks: an agency a family's record names (plan participant, goal owner, consent
   * recipient, referral receiver) must work in the family's network — its own, or one it serves — else
   * BAD_USER_INPUT naming `field`.
   */
  async requireInNetwork(em: EntityManager, agencyId: string, networkId: string, field: string): Promise<void> {
    if (!(await this.worksIn(em, agencyId, networkId))) throw badInput(field, `${field} must be an agency working in the family's network`);
  }

  /** Whether the agency works in the network now (its own, or one it serves): also after a family moved away from it. */
  async worksIn(em: EntityManager, agencyId: string, networkId: string): Promise<boolean> {
    const [agency] = await em.query(`SELECT 1 WHERE ${agencyWorksIn('$1::uuid', '$2::uuid')}`, [agencyId, networkId]);
    return agency !== undefined;
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
