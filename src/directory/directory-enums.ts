import { registerEnumType } from '@nestjs/graphql';

/** What a service costs the family (HSDS "fees"): free, reduced with an UiTPAS (the reduced rate), or paid. */
export enum ServiceCost {
  FREE = 'FREE',
  REDUCED_UITPAS = 'REDUCED_UITPAS',
  PAID = 'PAID',
}
registerEnumType(ServiceCost, { name: 'ServiceCost' });

/**
 * How a professional refers a family to the service: by a referral on the platform (a warm handover to an
 * agency of the network), or by contacting the service (an organisation outside the platform).
 */
export enum HowToRefer {
  ON_PLATFORM = 'ON_PLATFORM',
  BY_CONTACT = 'BY_CONTACT',
}
registerEnumType(HowToRefer, { name: 'HowToRefer' });
