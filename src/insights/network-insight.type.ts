import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { Agency } from '../agencies/agency.entity.js';
import { HowToRefer } from '../directory/directory-enums.js';
import { DirectoryService } from '../directory/directory-service.entity.js';
import { LifeDomain } from '../goals/life-domain.js';
import { ReferralStatus } from '../referrals/referral-status.js';

@ObjectType({ description: 'A count of people’s records: 0 or at least 5; 1 to 4 is suppressed so that nobody can be singled out.' })
export class SuppressedCount {
  @Field(() => Int, { nullable: true, description: 'Null when suppressed.' })
  value: number | null;

  @Field()
  suppressed: boolean;
}

@ObjectType({ description: 'A median duration, suppressed when taken over fewer than 5 referrals.' })
export class SuppressedMedian {
  @Field(() => Float, { nullable: true, description: 'Null when suppressed, or when no referral reached the stage.' })
  hours: number | null;

  @Field()
  suppressed: boolean;
}

@ObjectType()
export class LifeDomainPlans {
  @Field(() => LifeDomain)
  lifeDomain: LifeDomain;

  @Field(() => SuppressedCount, { description: 'Active plans with a goal in this domain that is not discontinued.' })
  plans: SuppressedCount;
}

@ObjectType({ description: 'Referrals sent in the period from one agency to another, by their status now.' })
export class ReferralFlow {
  @Field(() => Agency)
  fromAgency: Agency;

  @Field(() => Agency)
  toAgency: Agency;

  @Field(() => ReferralStatus)
  status: ReferralStatus;

  @Field(() => SuppressedCount)
  referrals: SuppressedCount;
}

@ObjectType({ description: 'Median hours per stage of the referrals sent in the period, from their transitions.' })
export class ReferralStageHours {
  @Field(() => SuppressedMedian, { description: 'From SENT to RECEIVED.' })
  toReceive: SuppressedMedian;

  @Field(() => SuppressedMedian, { description: 'From RECEIVED to the first decision: ACCEPTED, DECLINED or WAITLISTED.' })
  toDecide: SuppressedMedian;

  @Field(() => SuppressedMedian, { description: 'From the first ACCEPTED to HANDOVER_HELD (missed meetings included).' })
  toHandOver: SuppressedMedian;
}

@ObjectType()
export class AgencyReferralStageHours extends ReferralStageHours {
  @Field(() => Agency, { description: 'The receiving agency.' })
  agency: Agency;
}

@ObjectType({ description: 'Referrals to one agency whose current stage is past its deadline, by that stage.' })
export class OverdueReferrals {
  @Field(() => Agency)
  toAgency: Agency;

  @Field(() => ReferralStatus)
  status: ReferralStatus;

  @Field(() => SuppressedCount)
  referrals: SuppressedCount;
}

@ObjectType()
export class RevokedConsents {
  @Field(() => Agency)
  recipientAgency: Agency;

  @Field(() => SuppressedCount)
  consents: SuppressedCount;
}

@ObjectType({ description: 'Consents revoked in the period whose recipient is an organisation outside the platform: its directory service.' })
export class ServiceRevokedConsents {
  @Field(() => DirectoryService)
  recipientService: DirectoryService;

  @Field(() => SuppressedCount)
  consents: SuppressedCount;
}

@ObjectType({ description: 'Referrals sent in the period that are declined or waitlisted now, for one life domain: a need the network did not meet.' })
export class UnmetNeed {
  @Field(() => LifeDomain, { nullable: true, description: 'Null for referrals that name no life domain.' })
  lifeDomain: LifeDomain | null;

  @Field(() => ReferralStatus, { description: 'DECLINED or WAITLISTED.' })
  status: ReferralStatus;

  @Field(() => SuppressedCount)
  referrals: SuppressedCount;
}

@ObjectType({ description: 'Referrals sent in the period that name one service of the network directory.' })
export class DirectoryServiceReferrals {
  @Field(() => DirectoryService)
  service: DirectoryService;

  @Field(() => SuppressedCount)
  referrals: SuppressedCount;
}

@ObjectType({ description: 'Referrals sent in the period, on the platform or logged (passed on to an organisation outside it).' })
export class HowToReferReferrals {
  @Field(() => HowToRefer, {
    description: 'ON_PLATFORM: referrals to an agency (those of referralFlows, naming a service or not); BY_CONTACT: logged referrals to an organisation outside the platform.',
  })
  howToRefer: HowToRefer;

  @Field(() => SuppressedCount, { description: 'Suppressed when any of its cells in referralFlows (ON_PLATFORM) or its services in referralsByDirectoryService is.' })
  referrals: SuppressedCount;
}

/**
 * Aggregate figures of one network for its coordinators, without personal data: agencies, life
 * domains, statuses, counts and durations only. Lists hold the cells above zero; a missing cell is 0.
 */
@ObjectType()
export class NetworkInsight {
  @Field(() => ID)
  networkId: string;

  @Field({ description: 'Start of the period of the flow figures (referrals sent, consents revoked), inclusive.' })
  from: Date;

  @Field({ description: 'End of the period, exclusive.' })
  to: Date;

  @Field({ description: 'When the stock figures (plans, overdue referrals) were taken.' })
  asOf: Date;

  @Field(() => SuppressedCount)
  activePlans: SuppressedCount;

  @Field(() => [LifeDomainPlans], { description: 'A plan counts in every domain it has goals in: these do not add up to activePlans.' })
  activePlansPerLifeDomain: LifeDomainPlans[];

  @Field(() => SuppressedCount, {
    description: 'Referrals sent in the period from one agency to another (logged referrals: referralsByHowToRefer BY_CONTACT): suppressed when any of referralFlows, or of the services they name in referralsByDirectoryService, is.',
  })
  referralsSent: SuppressedCount;

  @Field(() => [ReferralFlow])
  referralFlows: ReferralFlow[];

  @Field(() => ReferralStageHours)
  referralMedianHours: ReferralStageHours;

  @Field(() => [AgencyReferralStageHours])
  referralMedianHoursByReceivingAgency: AgencyReferralStageHours[];

  @Field(() => SuppressedCount, { description: 'Suppressed when any of overdueReferralsByReceivingAgency is.' })
  overdueReferrals: SuppressedCount;

  @Field(() => [OverdueReferrals])
  overdueReferralsByReceivingAgency: OverdueReferrals[];

  @Field(() => SuppressedCount, {
    description: 'Consents revoked in the period, to agencies and to organisations outside the platform: suppressed when any of their cells is.',
  })
  consentsRevoked: SuppressedCount;

  @Field(() => [RevokedConsents])
  consentsRevokedByRecipientAgency: RevokedConsents[];

  @Field(() => [ServiceRevokedConsents])
  consentsRevokedByRecipientService: ServiceRevokedConsents[];

  @Field(() => SuppressedCount, {
    description:
      'Referrals sent in the period whose first meeting (the handover meeting, or a logged referral’s first visit) was held with the bridge figure there: an accompanied first visit took place.',
  })
  accompaniedFirstVisits: SuppressedCount;

  @Field(() => SuppressedCount, { description: 'Referrals sent in the period declined or waitlisted now: suppressed when any of unmetNeeds is.' })
  unmetNeedsTotal: SuppressedCount;

  @Field(() => [UnmetNeed])
  unmetNeeds: UnmetNeed[];

  @Field(() => [DirectoryServiceReferrals])
  referralsByDirectoryService: DirectoryServiceReferrals[];

  @Field(() => [HowToReferReferrals])
  referralsByHowToRefer: HowToReferReferrals[];
}
