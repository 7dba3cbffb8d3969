/**
 * "The agency works in the family's network", written once: an agency works in its own network and in every
 * network it serves by a service area in force (agency_service_area, owned by src/agencies). The rules of
 * ability.factory.ts take the networks from the principal (`worksInNetworks`), read anew on every request;
 * the SQL below is what the principal, the consent relations of subjects.ts and
 * AgenciesService.requireInNetwork read, so that ending a service area takes access away on the next request.
 */

/** A service area in force, `nr_sa`. */
const IN_FORCE = 'nr_sa.ended_at IS NULL';

/** The networks `agency` serves beyond its own (SQL yielding an array). */
export const networksServedBeyondHome = (agency: string) =>
  `ARRAY(SELECT nr_sa.network_id FROM agency_service_area nr_sa WHERE nr_sa.agency_id = ${agency} AND ${IN_FORCE} ORDER BY nr_sa.network_id)`;

/** The networks `agency` serves beyond its own, as a relation of subjects.ts (the agency seen from a network it serves). */
export const servedNetworks = (agency: string) => ({
  contains: (network: string) =>
    `EXISTS (SELECT 1 FROM agency_service_area nr_sa WHERE nr_sa.agency_id = ${agency} AND nr_sa.network_id = ${network} AND ${IN_FORCE})`,
  array: networksServedBeyondHome(agency),
});

/** The agencies working in `network`: its own and those serving it (SQL yielding one column of ids). */
export const agenciesWorkingIn = (network: string) =>
  `SELECT nr_ag.id FROM agency nr_ag WHERE nr_ag.network_id = ${network}
    UNION ALL SELECT nr_sa.agency_id FROM agency_service_area nr_sa WHERE nr_sa.network_id = ${network} AND ${IN_FORCE}`;

/** SQL that is true when `agency` works in `network`. */
export const agencyWorksIn = (agency: string, network: string) =>
  `(EXISTS (SELECT 1 FROM agency nr_ag WHERE nr_ag.id = ${agency} AND nr_ag.network_id = ${network})
    OR EXISTS (SELECT 1 FROM agency_service_area nr_sa WHERE nr_sa.agency_id = ${agency} AND nr_sa.network_id = ${network} AND ${IN_FORCE}))`;

/**
 * The condition on a family's `networkId` for a principal acting for an agency: its own network, or any it
 * serves. An agency serving no other network keeps the plain equality (the same SQL and plan as before).
 */
export const worksInNetworks = (acting: { networkId: string; servedNetworkIds: readonly string[] }) =>
  acting.servedNetworkIds.length === 0 ? acting.networkId : { $in: [acting.networkId, ...acting.servedNetworkIds] };
