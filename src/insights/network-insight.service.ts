import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Agency } from '../agencies/agency.entity.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput } from '../common/errors.js';
import { HowToRefer } from '../directory/directory-enums.js';
import { DirectoryService } from '../directory/directory-service.entity.js';
import { LifeDomain } from '../goals/life-domain.js';
import { PolicyService } from '../policy/policy.service.js';
import type { ReferralStatus } from '../referrals/referral-status.js';
import type { NetworkInsightArgs } from './dto/network-insight.args.js';
import {
  ACCOMPANIED_FIRST_VISITS_SQL,
  ACTIVE_PLANS_SQL,
  CONSENTS_REVOKED_SQL,
  DIRECTORY_SERVICE_REFERRALS_SQL,
  OVERDUE_REFERRALS_SQL,
  REFERRAL_FLOWS_SQL,
  REFERRAL_STAGE_HOURS_SQL,
  UNMET_NEEDS_SQL,
} from './network-insight.queries.js';
import type { NetworkInsight, ReferralStageHours } from './network-insight.type.js';
import { suppressCount, suppressMedian, suppressTable, withheldWith } from './small-counts.js';

interface StageHoursRow {
  network_wide: boolean;
  to_agency_id: string | null;
  received: number;
  to_receive: number | null;
  decided: number;
  to_decide: number | null;
  handed_over: number;
  to_hand_over: number | null;
}

const LIFE_DOMAINS = Object.values(LifeDomain);

/** The default period of the flow figures: the 12 months before its end. */
function yearBefore(end: Date): Date {
  const start = new Date(end);
  start.setUTCFullYear(start.getUTCFullYear() - 1);
  return start;
}

const stageHours = (row: StageHoursRow | undefined): ReferralStageHours => ({
  toReceive: suppressMedian(row?.received ?? 0, row?.to_receive ?? null),
  toDecide: suppressMedian(row?.decided ?? 0, row?.to_decide ?? null),
  toHandOver: suppressMedian(row?.handed_over ?? 0, row?.to_hand_over ?? null),
});

/** Aggregate figures of one network for its coordinators: counted in SQL, small counts suppressed. */
@Injectable()
export class NetworkInsightService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly reader: PersonalReader,
  ) {}

  async of(caller: Caller, args: NetworkInsightArgs): Promise<NetworkInsight> {
    const asOf = new Date();
    const to = args.to ?? asOf;
    const from = args.from ?? yearBefore(to);
    if (from >= to) throw badInput('from', 'from must be before to');
    // One snapshot for every figure, so that they agree with each other.
    return this.db.transaction('REPEATABLE READ', async (em) => {
      // Index paths from the network's families and agencies, not whole-table scans: with PostgreSQL's default
      // random_page_cost (4.0, for spinning disks) the planner scanned plan, goal, referral and consent whole;
      // 1.1 is memory or SSD. And planned for this network and period, not generically as the service's other
      // statements are: the generic plan of the revoked consents walked every network's revocations. Only this
      // transaction is affected. The figures: docs/network-insight.md, "Cost".
      await em.query(`SELECT set_config('random_page_cost', '1.1', true), set_config('plan_cache_mode', 'force_custom_plan', true)`);
      // Another network's id answers NOT_FOUND, as an unknown one does.
      const network = await this.policy.authorize(em, caller.ability, 'readInsights', 'Network', args.networkId);
      await this.reader.recordAggregateRead(em, caller, 'READ_INSIGHT', { type: 'Network', id: network.id });
      const inPeriod = [network.id, from, to];
      const agencies = new Map((await em.find(Agency, { where: { networkId: network.id } })).map((a) => [a.id, a]));
      const agency = (id: string) => agencies.get(id)!;

      const plans: { life_domain: LifeDomain | null; count: number }[] = await readWithoutAudit('aggregate figures with small counts suppressed (audited as an aggregate read)', em.query(ACTIVE_PLANS_SQL, [network.id]));
      const flows: { from_agency_id: string; to_agency_id: string; status: ReferralStatus; count: number }[] = await readWithoutAudit('aggregate figures with small counts suppressed (audited as an aggregate read)', em.query(
        REFERRAL_FLOWS_SQL,
        inPeriod,
      ));
      const hours: StageHoursRow[] = await readWithoutAudit('aggregate figures with small counts suppressed (audited as an aggregate read)', em.query(REFERRAL_STAGE_HOURS_SQL, inPeriod));
      const overdue: { to_agency_id: string; status: ReferralStatus; count: number }[] = await readWithoutAudit('aggregate figures with small counts suppressed (audited as an aggregate read)', em.query(OVERDUE_REFERRALS_SQL, [network.id]));
      const revoked: { recipient_agency_id: string | null; recipient_directory_service_id: string | null; count: number }[] = await readWithoutAudit('aggregate figures with small counts suppressed (audited as an aggregate read)', em.query(CONSENTS_REVOKED_SQL, inPeriod));
      const [accompanied]: { count: number }[] = await readWithoutAudit('aggregate figures with small counts suppressed (audited as an aggregate read)', em.query(ACCOMPANIED_FIRST_VISITS_SQL, inPeriod));
      const unmet: { life_domain: LifeDomain | null; status: ReferralStatus; count: number }[] = await readWithoutAudit('aggregate figures with small counts suppressed (audited as an aggregate read)', em.query(UNMET_NEEDS_SQL, inPeriod));

      const byService: { directory_service_id: string; logged: boolean; count: number }[] = await readWithoutAudit('aggregate figures with small counts suppressed (audited as an aggregate read)', em.query(DIRECTORY_SERVICE_REFERRALS_SQL, inPeriod));
      // Organisations and what they offer, no personal data.
      const serviceIds = [...byService.map((c) => c.directory_service_id), ...revoked.flatMap((c) => c.recipient_directory_service_id ?? [])];
      const services = new Map((await em.findBy(DirectoryService, { id: In(serviceIds) })).map((ds) => [ds.id, ds]));

      const sentTable = suppressTable(flows);
      const overdueTable = suppressTable(overdue);
      const revokedTable = suppressTable(revoked);
      const unmetTable = suppressTable(unmet);
      // Referrals on the platform are the flows' table, withheld also when a service they name is suppressed: else that
      // service's count could be recomputed from the others when every referral names one. Logged referrals all name
      // a service: theirs is the total of those services' cells.
      const onPlatform = withheldWith(sentTable.total, suppressTable(byService.filter((c) => !c.logged)).total);
      const logged = suppressTable(byService.filter((c) => c.logged));
      const byHowToRefer = [
        { howToRefer: HowToRefer.ON_PLATFORM, referred: flows.length > 0, referrals: onPlatform },
        { howToRefer: HowToRefer.BY_CONTACT, referred: logged.cells.length > 0, referrals: logged.total },
      ];
      const domainOrder = (domain: LifeDomain | null) => (domain === null ? LIFE_DOMAINS.length : LIFE_DOMAINS.indexOf(domain));
      const byAgencyName = (a: Agency, b: Agency) => a.name.localeCompare(b.name);
      return {
        networkId: network.id,
        from,
        to,
        asOf,
        activePlans: suppressCount(plans.find((p) => p.life_domain === null)?.count ?? 0),
        activePlansPerLifeDomain: plans
          .filter((p) => p.life_domain !== null)
          .sort((a, b) => LIFE_DOMAINS.indexOf(a.life_domain!) - LIFE_DOMAINS.indexOf(b.life_domain!))
          .map((p) => ({ lifeDomain: p.life_domain!, plans: suppressCount(p.count) })),
        referralsSent: onPlatform,
        referralFlows: sentTable.cells.map((c) => ({
          fromAgency: agency(c.from_agency_id),
          toAgency: agency(c.to_agency_id),
          status: c.status,
          referrals: c.count,
        })),
        referralMedianHours: stageHours(hours.find((h) => h.network_wide)),
        referralMedianHoursByReceivingAgency: hours
          .filter((h) => !h.network_wide)
          .map((h) => ({ agency: agency(h.to_agency_id!), ...stageHours(h) }))
          .sort((a, b) => byAgencyName(a.agency, b.agency)),
        overdueReferrals: overdueTable.total,
        overdueReferralsByReceivingAgency: overdueTable.cells.map((c) => ({ toAgency: agency(c.to_agency_id), status: c.status, referrals: c.count })),
        consentsRevoked: revokedTable.total,
        consentsRevokedByRecipientAgency: revokedTable.cells
          .flatMap((c) => (c.recipient_agency_id === null ? [] : [{ recipientAgency: agency(c.recipient_agency_id), consents: c.count }]))
          .sort((a, b) => byAgencyName(a.recipientAgency, b.recipientAgency)),
        consentsRevokedByRecipientService: revokedTable.cells
          .flatMap((c) => (c.recipient_directory_service_id === null ? [] : [{ recipientService: services.get(c.recipient_directory_service_id)!, consents: c.count }]))
          .sort((a, b) => a.recipientService.name.localeCompare(b.recipientService.name)),
        accompaniedFirstVisits: suppressCount(accompanied?.count ?? 0),
        unmetNeedsTotal: unmetTable.total,
        unmetNeeds: unmetTable.cells
          .map((c) => ({ lifeDomain: c.life_domain, status: c.status, referrals: c.count }))
          .sort((a, b) => domainOrder(a.lifeDomain) - domainOrder(b.lifeDomain) || a.status.localeCompare(b.status)),
        referralsByDirectoryService: suppressTable(byService)
          .cells.map((c) => ({ service: services.get(c.directory_service_id)!, referrals: c.count }))
          .sort((a, b) => a.service.name.localeCompare(b.service.name)),
        referralsByHowToRefer: byHowToRefer.filter((kind) => kind.referred).map(({ howToRefer, referrals }) => ({ howToRefer, referrals })),
      };
    });
  }
}
