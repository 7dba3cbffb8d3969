import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput, invalidTransition } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { type Connection, DEFAULT_PAGE_SIZE, decodeRankedCursor, encodeRankedCursor } from '../common/pagination.js';
import { isUniqueViolation } from '../database/postgres-errors.js';
import { oneBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { SqlParams } from '../policy/sql-scope.js';
import { PolicyService } from '../policy/policy.service.js';
import { HowToRefer } from './directory-enums.js';
import { DirectoryService } from './directory-service.entity.js';
import { crossFieldProblems } from './directory-rules.js';
import type {
  CreateDirectoryServiceInput,
  DirectoryServiceFields,
  DirectoryServicesArgs,
  UpdateDirectoryServiceInput,
} from './dto/directory.inputs.js';

/** At most this many words of a search are used (a longer search is a sentence, not a search). */
const MAX_SEARCH_WORDS = 10;

/** The words of a search: runs of letters and digits, at most MAX_SEARCH_WORDS. */
export const searchWords = (search: string): string[] => (search.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_SEARCH_WORDS);

/**
 * The text query of `words` (SQL yielding text[]) in `config`: each word folded, then rid of what tsquery would
 * read as syntax (folding can make punctuation: "ŉ" becomes "'n"), as a prefix, all of them required.
 */
const prefixQuery = (words: string, config: 'dutch' | 'french') =>
  `to_tsquery('${config}', COALESCE((SELECT string_agg(w || ':*', ' & ') FROM unnest(${words}::text[]) u(word),
     LATERAL regexp_replace(directory_fold(u.word), '[[:space:]''"\\\\&|!():*<>]', '', 'g') w WHERE w <> ''), ''))`;

/** The stored columns of what a service says, from its validated fields. */
export const columnsOf = (fields: DirectoryServiceFields) => ({
  agencyId: fields.agencyId ?? null,
  externalOrganisation: fields.externalOrganisation?.trim() ?? null,
  name: fields.name.trim(),
  description: fields.description ?? '',
  lifeDomains: fields.lifeDomains,
  eligibility: fields.eligibility ?? null,
  minAgeMonths: fields.minAgeMonths ?? null,
  maxAgeMonths: fields.maxAgeMonths ?? null,
  languages: fields.languages ?? [],
  cost: fields.cost,
  streetAddress: fields.streetAddress ?? null,
  postcode: fields.postcode ?? null,
  municipality: fields.municipality ?? null,
  openingHours: fields.openingHours ?? null,
  phone: fields.phone ?? null,
  email: fields.email ?? null,
  website: fields.website ?? null,
  accessibility: fields.accessibility ?? null,
  howToRefer: fields.howToRefer,
});

const duplicateName = () => badInput('name', 'This organisation already has a service of this name');

/**
 * The directory of services of a network (docs/directory.md): organisations and what they offer, no personal
 * data. Coordinators manage every service of their network, agency admins their own agency's; every
 * professional of the network reads and searches it. Writes are audited by the table's trigger.
 */
@Injectable()
export class DirectoryServicesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly agencies: AgenciesService,
  ) {}

  create(caller: Caller, input: CreateDirectoryServiceInput): Promise<DirectoryService> {
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'createDirectoryService', input, async () => {
        await this.policy.authorize(em, caller.ability, 'read', 'Network', input.networkId);
        this.policy.assertCan(caller.ability, 'create', 'DirectoryService', { networkId: input.networkId, agencyId: input.agencyId ?? null });
        await this.requireValid(em, input.networkId, input, null);
        const now = new Date();
        const service = em.create(DirectoryService, { id: newId(), networkId: input.networkId, ...columnsOf(input), archivedAt: null, createdAt: now, updatedAt: now });
        await badNameOnDuplicate(em.insert(DirectoryService, service));
        return service;
      }, (id) => this.idempotency.readable(em, caller, DirectoryService, 'DirectoryService', id)),
    );
  }

  /** Replaces what the service says; moving it to another organisation needs the right on that one too. */
  update(caller: Caller, input: UpdateDirectoryServiceInput): Promise<DirectoryService> {
    return this.tx.run(caller, async (em) => {
      const current = await this.policy.authorize(em, caller.ability, 'update', 'DirectoryService', input.id, { lock: true });
      const networkId = current.networkId as string;
      this.policy.assertCan(caller.ability, 'update', 'DirectoryService', { networkId, agencyId: input.agencyId ?? null });
      const service = await em.findOneByOrFail(DirectoryService, { id: input.id });
      if (service.archivedAt) throw invalidTransition('DirectoryService', 'ARCHIVED', 'update it');
      await this.requireValid(em, networkId, input, service.id);
      const changes = { ...columnsOf(input), updatedAt: new Date() };
      await badNameOnDuplicate(em.update(DirectoryService, { id: service.id }, changes));
      return Object.assign(service, changes);
    });
  }

  /** Takes the service out of the directory (kept for the record; the search no longer finds it). */
  archive(caller: Caller, id: string): Promise<DirectoryService> {
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'update', 'DirectoryService', id, { lock: true });
      const service = await em.findOneByOrFail(DirectoryService, { id });
      if (service.archivedAt) throw invalidTransition('DirectoryService', 'ARCHIVED', 'archive it');
      const now = new Date();
      const changes = { archivedAt: now, updatedAt: now };
      await em.update(DirectoryService, { id }, changes);
      return Object.assign(service, changes);
    });
  }

  /**
   * For a referral on the platform: the service must be one of `agencyId`'s in `networkId`, referred on the
   * platform and not archived. Anything else — also an unknown id or another network's service — answers the
   * same BAD_USER_INPUT on `field`, so that nothing tells them apart.
   */
  async requireReferableOnPlatform(em: EntityManager, id: string, networkId: string, agencyId: string, field: string): Promise<void> {
    const referable = await em.existsBy(DirectoryService, { id, networkId, agencyId, howToRefer: HowToRefer.ON_PLATFORM, archivedAt: IsNull() });
    if (!referable) throw badInput(field, `${field} must be a service of the receiving agency in the family's network, referred on the platform`);
  }

  /**
   * A service of an organisation outside the platform in the network, not archived: what a logged referral and
   * a consent to that organisation name. Answers the organisation's name; anything else is BAD_USER_INPUT on `field`.
   */
  async requireExternal(em: EntityManager, id: string, networkId: string, field: string): Promise<string> {
    const service = await em.findOneBy(DirectoryService, { id, networkId, agencyId: IsNull(), archivedAt: IsNull() });
    if (!service) throw badInput(field, `${field} must be a service of an organisation outside the platform in the family's network`);
    return service.externalOrganisation!;
  }

  /**
   * The services records name (a referral's), as the caller may read the directory: a professional of the
   * network also an archived one (the record keeps what it named); a portal login or a partner system none.
   * One statement per request.
   */
  readableById(caller: Caller, loaders: RequestLoaders, id: string): Promise<DirectoryService | null> {
    return loaders
      .get<string, DirectoryService | null>('directoryServiceById', async (ids) => {
        const params = new SqlParams();
        const rows = await this.db.manager
          .createQueryBuilder(DirectoryService, 'ds')
          .where(`ds.id = ANY(${params.add([...ids])}::uuid[])`)
          .andWhere(this.policy.predicate(caller.ability, 'read', 'DirectoryService', params))
          .setParameters(params.values)
          .getMany();
        return oneBy(ids, rows, (s) => s.id);
      })
      .load(id);
  }

  async get(caller: Caller, id: string): Promise<DirectoryService> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'DirectoryService', id);
    return this.db.manager.findOneByOrFail(DirectoryService, { id });
  }

  /**
   * The network's services (not archived) matching the search and filters, best first: full text in Dutch
   * and in French over the accent-folded name, organisation, description and eligibility (every word as a
   * prefix, so "opvoeding" finds "opvoedingsondersteuning"), or a name alike in trigrams (a typo). One
   * statement besides the network's check, whatever the size of the directory; the page is keyset-paginated
   * on (rank, id).
   */
  async search(caller: Caller, args: DirectoryServicesArgs): Promise<Connection<DirectoryService>> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'Network', args.networkId);
    const params = new SqlParams();
    const qb = this.db.manager
      .createQueryBuilder(DirectoryService, 'ds')
      .where(`ds.network_id = ${params.add(args.networkId)} AND ds.archived_at IS NULL`)
      .andWhere(this.policy.predicate(caller.ability, 'read', 'DirectoryService', params));
    let rank = '0::numeric';
    if (args.search?.trim()) {
      // Scalar subqueries: computed once per statement (an init plan), not per row, and usable by the indexes.
      const folded = `(SELECT directory_fold(${params.add(args.search.trim())}))`;
      const matches: string[] = [`${folded} <% ds.folded_name`];
      let textRank = '0';
      const words = searchWords(args.search);
      if (words.length) {
        const list = params.add(words);
        const query = `(SELECT ${prefixQuery(list, 'dutch')} || ${prefixQuery(list, 'french')})`;
        matches.unshift(`ds.search_document @@ ${query}`);
        textRank = `ts_rank(ds.search_document, ${query})`;
      }
      qb.andWhere(`(${matches.join(' OR ')})`);
      rank = `round((${textRank} + word_similarity(${folded}, ds.folded_name))::numeric, 6)`;
    }
    if (args.lifeDomains?.length) qb.andWhere(`ds.life_domains && ${params.add(args.lifeDomains)}::text[]`);
    if (args.age !== undefined && args.age !== null) {
      const age = params.add(args.age);
      qb.andWhere(`(ds.min_age_months IS NULL OR ds.min_age_months <= ${age}) AND (ds.max_age_months IS NULL OR ds.max_age_months >= ${age})`);
    }
    if (args.language) {
      const language = params.add(args.language);
      // "nl" finds a service that says "nl-BE" too.
      qb.andWhere(`EXISTS (SELECT 1 FROM unnest(ds.languages) l(tag) WHERE l.tag = ${language} OR l.tag LIKE ${language} || '-%')`);
    }
    if (args.postcode) qb.andWhere(`ds.postcode = ${params.add(args.postcode)}`);
    if (args.after) {
      const after = decodeRankedCursor(args.after);
      const afterRank = `${params.add(after.rank)}::numeric`;
      qb.andWhere(`(${rank} < ${afterRank} OR (${rank} = ${afterRank} AND ds.id > ${params.add(after.id)}))`);
    }
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    const { entities, raw } = await qb
      .addSelect(rank, 'search_rank')
      .setParameters(params.values)
      .orderBy('search_rank', 'DESC')
      .addOrderBy('ds.id', 'ASC')
      .limit(first + 1)
      .getRawAndEntities<{ search_rank: string }>();
    const edges = entities.slice(0, first).map((node, i) => ({ cursor: encodeRankedCursor(String(raw[i]!.search_rank), node.id), node }));
    return { edges, pageInfo: { hasNextPage: entities.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /**
   * What the caller may not say about a service, as BAD_USER_INPUT naming the field: the rules across fields,
   * an agency of another network, and a second service of the same name for the organisation.
   */
  private async requireValid(em: EntityManager, networkId: string, fields: DirectoryServiceFields, exceptId: string | null): Promise<void> {
    const [problem] = crossFieldProblems(fields);
    if (problem) throw badInput(problem.field, problem.message);
    if (fields.agencyId) await this.agencies.requireInNetwork(em, fields.agencyId, networkId, 'agencyId');
    if ((await sameService(em, networkId, fields, exceptId)) !== null) throw duplicateName();
  }
}

/** A second service of the name for the organisation that raced past the check answers as the check would. */
async function badNameOnDuplicate<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error, 'directory_service_name_once')) throw duplicateName();
    throw error;
  }
}

/**
 * The service of the network (not archived, other than `exceptId`) of the same organisation and name, accents
 * and case aside, as the unique index compares them: its id, or null.
 */
export async function sameService(em: EntityManager, networkId: string, fields: DirectoryServiceFields, exceptId: string | null = null): Promise<string | null> {
  const rows: { id: string }[] = await em.query(
    `SELECT id FROM directory_service WHERE network_id = $1 AND archived_at IS NULL AND id IS DISTINCT FROM $2
       AND COALESCE(agency_id::text, directory_fold(external_organisation)) = COALESCE($3::uuid::text, directory_fold($4))
       AND directory_fold(name) = directory_fold($5)`,
    [networkId, exceptId, fields.agencyId ?? null, fields.externalOrganisation?.trim() ?? null, fields.name.trim()],
  );
  return rows[0]?.id ?? null;
}
