import type { NodeRead, TypeRead } from '../graphql/compiled-selection.js';

/*
 * `family(id)`, `families(…)` and `myFamily` as compiled reads (audit/compiled-read.ts): the fields of a family
 * and its members that are columns, read as the field resolvers read them — the same rows, order and filters
 * (FamiliesResolver.members: the members the FamilyMember rule lets the caller read, in id order). A field
 * missing here (a family's plan, referrals, caseAssignments, breakGlassGrants; a member's contact details, read
 * apart under the CONTACT right; myFamily's consents) sends the request down the resolvers' path.
 */

const MEMBER: TypeRead = {
  columns: {
    id: 'id',
    role: 'role',
    givenName: 'given_name',
    familyName: 'family_name',
    birthDate: 'birth_date',
    expectedDate: 'expected_date',
    version: 'version',
    leftOn: 'left_on',
    createdAt: { dateTime: 'created_at' },
  },
  nodes: {},
};

const MEMBERS: NodeRead = {
  from: { subject: 'FamilyMember' },
  link: { column: 'family_id', parentColumn: 'id' },
  one: false,
  type: MEMBER,
};

/** A family (a root: its rows are chosen by the root's own filter, ReadRoot.where). */
export const FAMILY_READ: NodeRead = {
  from: { ruled: 'Family' },
  link: { column: 'id', parentColumn: 'id' },
  one: true,
  type: { columns: { id: 'id', networkId: 'network_id', createdAt: { dateTime: 'created_at' } }, nodes: { members: () => MEMBERS } },
};

/** `myFamily`'s fields that are levels: the member logged in, and her family. */
export const MY_FAMILY_READ: Record<string, NodeRead> = {
  me: { from: { subject: 'FamilyMember' }, link: { column: 'id', parentColumn: 'id' }, one: true, type: MEMBER },
  family: FAMILY_READ,
};
