import { randomUUID } from 'node:crypto';
import { type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, Kind, type OperationDefinitionNode, parse } from 'graphql';
import { INBOX_QUERY, PLAN_QUERY } from '../bench/operations.js';
import { CompiledRead, rootSql } from '../src/audit/compiled-read.js';
import type { Caller } from '../src/auth/caller.decorator.js';
import type { Principal } from '../src/auth/principal.js';
import { SubjectKind } from '../src/auth/subject-kind.js';
import { compileConnectionSelection, compileSelection } from '../src/graphql/compiled-selection.js';
import { inboxRead } from '../src/inbox/inbox-read.js';
import { PLAN_READ } from '../src/plans/plan-read.js';
import { defineAbilityFor } from '../src/policy/ability.factory.js';
import { SqlParams } from '../src/policy/sql-scope.js';
import { MembershipRole } from '../src/users/membership-role.js';

/**
 * Which `plan(id)` selections compile (src/graphql/compiled-selection.ts, src/plans/plan-read.ts), and that
 * the statement stays one the connection prepares. The answers and audit rows: test/compiled-plan.e2e-spec.ts.
 */

/** What graphql-js hands the root resolver of the document's first field. */
function infoOf(query: string): GraphQLResolveInfo {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments } as unknown as GraphQLResolveInfo;
}

const caseworker: Principal = {
  subject: 'caseworker@test',
  kind: SubjectKind.PROFESSIONAL,
  userId: randomUUID(),
  isPlatformAdmin: false,
  memberships: [],
  acting: { agencyId: randomUUID(), networkId: randomUUID(), servedNetworkIds: [], roles: [MembershipRole.CASEWORKER] },
  familyMember: null,
  integrationClient: null,
};
const caller = { principal: caseworker, ability: defineAbilityFor(caseworker), requestId: 'request-1' } as unknown as Caller;

describe('plan(id) compiled from its selection', () => {
  it('compiles the benchmark’s selection into the levels it names, personal ones by subject', () => {
    const read = compileSelection(PLAN_READ, infoOf(PLAN_QUERY))!;
    expect(Object.keys(read.columns)).toEqual(['id', 'status', 'summary']);
    expect(Object.keys(read.children)).toEqual(['supporter', 'participants', 'goals']);
    expect(read.children.goals!.from).toEqual({ subject: 'Goal' });
    expect(read.children.goals!.children.actions!.from).toEqual({ subject: 'Action' });
    expect(read.children.participants!.children.agency!.from).toEqual({ table: 'agency' });
  });

  it('reads fragments, inline fragments and aliases as the fields they stand for, and leaves out __typename', () => {
    const written = compileSelection(PLAN_READ, infoOf(`{ plan(id: "x") { id goals { id actions { title } } } }`));
    const spread = compileSelection(
      PLAN_READ,
      infoOf(`{ plan(id: "x") { __typename ...f doelen: goals { id } ... on Plan { goals { actions { title } } } } } fragment f on Plan { id }`),
    );
    expect(spread).toEqual(written);
  });

  it.each([
    ['a field only the resolvers read', `{ plan(id: "x") { id family { id } } }`],
    ['a field below a compiled level that only the resolvers read', `{ plan(id: "x") { goals { members { id } } } }`],
    ['a field with arguments', `{ plan(id: "x") { history(first: 5) { edges { node { change } } } } }`],
    ['@include', `query($a: Boolean!) { plan(id: "x") { id goals @include(if: $a) { id } } }`],
    ['@skip in a fragment', `{ plan(id: "x") { ...f } } fragment f on Plan { id @skip(if: true) }`],
  ])('leaves %s to the resolvers', (_case, query) => {
    expect(compileSelection(PLAN_READ, infoOf(query))).toBeNull();
  });

  it('makes one statement the connection prepares (no IN list, which PreparingClient leaves unnamed), the same text for every id', () => {
    const read = compileSelection(PLAN_READ, infoOf(PLAN_QUERY))!;
    const byId = () => ({ plan: rootSql({ node: read, where: (alias, params) => `${alias}.id = ${params.add(randomUUID())}` }, new SqlParams()) });
    const first = new CompiledRead(caller).roots(byId());
    const second = new CompiledRead(caller).roots(byId());
    expect(first.sql).not.toMatch(/\bIN \(/i);
    // Parameter names differ per statement (SqlParams); numbered as pg receives them, the texts are one.
    const numbered = (sql: string) => sql.replace(/:pol\d+_(\d+)/g, ':p$1');
    expect(numbered(first.sql)).toBe(numbered(second.sql));
    // Each personal level is audited (the plan, its goals, their actions), all three by one INSERT: an entry per family.
    expect(first.sql.match(/INSERT INTO audit_event/g)).toHaveLength(1);
    expect(first.sql.match(/ AS level_row\b/g)).toHaveLength(3);
  });
});

describe('inbox(…) compiled from its selection', () => {
  const INBOX_READ = inboxRead(['Referral', 'Consent', 'Plan', 'Goal', 'Action', 'FamilyMember']);

  it('compiles the benchmark’s selection: columns, the fields resolved from columns in Node, the family under its rule', () => {
    const read = compileConnectionSelection(INBOX_READ, infoOf(INBOX_QUERY))!;
    // `text` from kind and parameters, `about` from the record's type and id, `read` from read_at.
    expect(Object.keys(read.columns).sort()).toEqual(['id', 'kind', 'occurredAt', 'params', 'readAt', 'subjectId', 'subjectType']);
    expect(read.children.family!.from).toEqual({ ruled: 'Family' });
    expect(compileConnectionSelection(INBOX_READ, infoOf(`{ inbox { edges { node { id family { members { id } } } } } }`))).toBeNull();
  });

  it('makes one prepared statement that records every kind of record in one entry per family, the page newest first', () => {
    const read = compileConnectionSelection(INBOX_READ, infoOf(INBOX_QUERY))!;
    const inbox = rootSql({ node: read, where: () => 'TRUE', page: { first: 50, after: randomUUID(), descending: true } }, new SqlParams());
    const { sql } = new CompiledRead(caller).roots({ inbox });
    expect(sql).not.toMatch(/\bIN \(/i);
    // One INSERT over the six kinds of record, each a level of its source.
    expect(sql.match(/INSERT INTO audit_event/g)).toHaveLength(1);
    expect(sql.match(/SELECT \d+ AS level,/g)).toHaveLength(6);
    expect(sql).toMatch(/ORDER BY parts_row\.id DESC/);
  });
});
