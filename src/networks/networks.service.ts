import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { newId } from '../common/ids.js';
import { type Connection, paginate, type PageArgs } from '../common/pagination.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PolicyService } from '../policy/policy.service.js';
import type { CreateNetworkInput } from './dto/create-network.input.js';
import { Network } from './network.entity.js';

@Injectable()
export class NetworksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
  ) {}

  async create(caller: Caller, input: CreateNetworkInput): Promise<Network> {
    return this.tx.run(caller, (em) =>
      this.idempotency.created(
        em,
        caller,
        'createNetwork',
        input,
        () => em.save(em.create(Network, { id: newId(), name: input.name })),
        (id) => this.idempotency.readable(em, caller, Network, 'Network', id),
      ),
    );
  }

  async list(caller: Caller, page: PageArgs): Promise<Connection<Network>> {
    const qb = this.db.manager.createQueryBuilder(Network, 'n');
    return paginate(this.policy.scope(qb, caller.ability, 'read', 'Network'), 'n.id', page);
  }
}
