import { registerEnumType } from '@nestjs/graphql';

/** How the family's agreement was obtained (evidence is kept outside this service, by reference). */
export enum ConsentMethod {
  WRITTEN = 'WRITTEN',
  VERBAL_WITH_WITNESS = 'VERBAL_WITH_WITNESS',
  FAMILY_PORTAL = 'FAMILY_PORTAL',
}
registerEnumType(ConsentMethod, { name: 'ConsentMethod' });

/** Derived at read time from validity and revocation: no job has to run for a consent to expire. */
export enum ConsentStatus {
  /** Recorded, with a validFrom still to come. */
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(ConsentStatus, { name: 'ConsentStatus' });
