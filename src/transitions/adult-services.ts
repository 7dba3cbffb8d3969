import { AgencyKind } from '../agencies/agency-kind.js';

/**
 * Services that end (or change hands) at 18, and the adult services that usually continue their help in
 * Flanders: youth care hands over to the CAW and the OCMW, the CLB to education and the OCMW.
 * Kinds that serve adults as well (mental health, health, volunteers) simply stay on the plan.
 */
export const ADULT_SERVICES_AFTER: Partial<Record<AgencyKind, AgencyKind[]>> = {
  [AgencyKind.CHILD_WELFARE]: [AgencyKind.GENERAL_WELFARE, AgencyKind.PUBLIC_SOCIAL_SERVICE],
  [AgencyKind.CHILD_AND_FAMILY]: [AgencyKind.GENERAL_WELFARE],
  [AgencyKind.SCHOOL_GUIDANCE]: [AgencyKind.EDUCATION, AgencyKind.PUBLIC_SOCIAL_SERVICE],
};

export const YOUTH_SERVICES = Object.keys(ADULT_SERVICES_AFTER) as AgencyKind[];
