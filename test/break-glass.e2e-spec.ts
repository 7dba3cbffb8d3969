import pg from 'pg';
import { randomUUID } from 'node:crypto';
import {
  BreakGlassDetailsDocument,
  FamilyBreakGlassGrantsDocument,
  PlanNotesDocument,
  RevokeBreakGlassDocument,
} from './graphql/generated.js';
import { codeOf, TestApi } from './support/test-app.js';
import { type Agency, World } from './support/world.js';
import { fixtureClient } from './support/fixture-client.js';

const JUSTIFICATION = 'Melding van acuut geweld; de school belde om 9u.';

describe('break-glass', () => {
  let api: TestApi;
  let world: World;
  let agency: Agency;
  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    agency = await world.agency(await world.network());
  });
  afterAll(() => api.stop());

  /** A family whose plan `supporter` opened; `responder` is assigned too but the family gave no consent. */
  async function scene() {
    const supporter = await world.staff(agency);
    const responder = await world.staff(agency);
    const { familyId, planId } = await world.familyWithPlan(supporter, { consentFor: [], supporter });
    await world.assign(agency.admin, familyId, responder.userId);
    return { supporter, responder, familyId, planId };
  }

  it('opens the family’s data to an assigned caseworker, audited as BREAK_GLASS, and shows it to the supporter', async () => {
    const { supporter, responder, familyId, planId } = await scene();
    expect(codeOf(await api.gql(responder.subject, PlanNotesDocument, { id: planId }))).toBe('NOT_FOUND');

    const { breakGlass } = await api.ok(responder.subject, BreakGlassDetailsDocument, { input: { familyId, justification: JUSTIFICATION, hours: 4 } });
    expect(breakGlass).toMatchObject({ active: true, user: { id: responder.userId }, agency: { id: agency.id } });
    expect(new Date(breakGlass.expiresAt).getTime() - new Date(breakGlass.startsAt).getTime()).toBe(4 * 3_600_000);

    const requestId = `bg-${randomUUID()}`;
    const read = await api.gql(responder.subject, PlanNotesDocument, { id: planId }, { 'X-Request-Id': requestId });
    expect(read.data?.plan?.id).toBe(planId);
    const db = new pg.Client(process.env.DATABASE_URL);
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT entity_type, legal_basis FROM audit_event WHERE request_id = $1`, [requestId]);
      expect(rows).toEqual([{ entity_type: 'Plan', legal_basis: 'BREAK_GLASS' }]);
    } finally {
      await db.end();
    }

    const { family } = await api.ok(supporter.subject, FamilyBreakGlassGrantsDocument, { id: familyId });
    expect(family.breakGlassGrants).toEqual([{ id: breakGlass.id, justification: JUSTIFICATION, active: true, user: { id: responder.userId } }]);
  });

  it('ends on revocation, by the holder or the supporter only, effective on the next request', async () => {
    const { supporter, responder, familyId, planId } = await scene();
    const colleague = await world.staff(agency);
    await world.assign(agency.admin, familyId, colleague.userId);
    const first = (await api.ok(responder.subject, BreakGlassDetailsDocument, { input: { familyId, justification: JUSTIFICATION } })).breakGlass;
    expect(codeOf(await api.gql(colleague.subject, RevokeBreakGlassDocument, { id: first.id }))).toBe('FORBIDDEN');
    const { revokeBreakGlass } = await api.ok(responder.subject, RevokeBreakGlassDocument, { id: first.id });
    expect(revokeBreakGlass).toMatchObject({ active: false, revokedAt: expect.any(String) });
    expect(codeOf(await api.gql(responder.subject, PlanNotesDocument, { id: planId }))).toBe('NOT_FOUND');
    expect(codeOf(await api.gql(responder.subject, RevokeBreakGlassDocument, { id: first.id }))).toBe('CONFLICT');

    const second = (await api.ok(responder.subject, BreakGlassDetailsDocument, { input: { familyId, justification: JUSTIFICATION } })).breakGlass;
    expect(codeOf(await api.gql(supporter.subject, RevokeBreakGlassDocument, { id: second.id }))).toBe('OK');
  });

  it.each([
    ['a justification under 20 characters', { justification: 'Dringend' }, 'justification'],
    ['more than 24 hours', { justification: JUSTIFICATION, hours: 25 }, 'hours'],
    ['no time at all', { justification: JUSTIFICATION, hours: 0 }, 'hours'],
  ])('refuses %s', async (_, input, field) => {
    const { responder, familyId } = await scene();
    const result = await api.gql(responder.subject, BreakGlassDetailsDocument, { input: { familyId, ...input } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const { family } = await api.ok(responder.subject, FamilyBreakGlassGrantsDocument, { id: familyId });
    expect(family.breakGlassGrants).toEqual([]);
  });

  it('is not for volunteers, unassigned caseworkers, other networks or admins', async () => {
    const { familyId } = await scene();
    const volunteer = await world.staff(agency, 'VOLUNTEER');
    await world.assign(agency.admin, familyId, volunteer.userId);
    const unassigned = await world.staff(agency);
    const foreign = await world.staff(await world.agency(await world.network()));
    const input = { familyId, justification: JUSTIFICATION };
    expect(codeOf(await api.gql(volunteer.subject, BreakGlassDetailsDocument, { input }))).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(agency.admin.subject, BreakGlassDetailsDocument, { input }))).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(unassigned.subject, BreakGlassDetailsDocument, { input }))).toBe('NOT_FOUND');
    expect(codeOf(await api.gql(foreign.subject, BreakGlassDetailsDocument, { input }))).toBe('NOT_FOUND');
    expect(codeOf(await api.gql(null, BreakGlassDetailsDocument, { input }))).toBe('UNAUTHENTICATED');
  });

  it('lasts at most 24 hours, enforced by the database', async () => {
    const { responder, familyId } = await scene();
    const db = await fixtureClient();
    try {
      await expect(
        db.query(
          `INSERT INTO break_glass_grant (id, family_id, user_id, agency_id, justification, starts_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, now(), now() + interval '25 hours')`,
          [randomUUID(), familyId, responder.userId, agency.id, JUSTIFICATION],
        ),
      ).rejects.toMatchObject({ code: '23514' });
    } finally {
      await db.end();
    }
  });
});
