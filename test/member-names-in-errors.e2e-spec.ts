import pg from 'pg';
import { RecordConsentDocument } from './graphql/generated.js';
import { TestApi } from './support/test-app.js';
import { type Agency, child, parent, type Person, World } from './support/world.js';

/**
 * An error that names a family member shows her given name: personal data, so read as any other (through
 * the reader, filtered and audited). Who may not read the member is told "the member", and nothing is audited.
 */
describe('member names in error messages', () => {
  let api: TestApi;
  let world: World;
  let db: pg.Client;
  let agency: Agency;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = new pg.Client(process.env.DATABASE_URL);
    await db.connect();
    agency = await world.agency(await world.network());
  });
  afterAll(async () => {
    await db.end();
    await api.stop();
  });

  const namesRead = async (reader: Person, memberId: string) =>
    Number(
      (
        await db.query(
          `SELECT count(*) FROM audit_event WHERE actor_user_id = $1 AND action = 'READ' AND entity_type = 'FamilyMember' AND $2 = ANY(entity_ids)`,
          [reader.userId, memberId],
        )
      ).rows[0].count,
    );

  /** Mo (5) giving consent herself: refused, naming her. */
  const moConsentsHerself = (caller: Person, moId: string) =>
    api.gql(caller.subject, RecordConsentDocument, {
      input: {
        grantorMemberId: moId,
        subjectMemberIds: [moId],
        recipientAgencyId: agency.id,
        categories: ['PLAN'],
        purposeCode: 'PLAN_COORDINATION',
        purpose: 'Samen werken aan het gezinsplan',
        method: 'WRITTEN',
        evidenceReference: 'form-1',
      },
    });

  it('names the member to whoever may read her, audited, and to no one else', async () => {
    // The registrar wrote the members (authorship); a colleague assigned to the family has no consent yet.
    const registrar = await world.staff(agency);
    const colleague = await world.staff(agency);
    const family = await world.family(registrar, [parent('Sara', 'Maes'), child('Mo', 'Maes', '2021-06-30')], { consentFor: [] });
    await world.assign(agency.admin, family.id, colleague.userId);
    const mo = family.members.find((m) => m.role === 'CHILD')!.id;

    const readBefore = await namesRead(registrar, mo);
    const byRegistrar = await moConsentsHerself(registrar, mo);
    expect(byRegistrar.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'grantorMemberId' });
    expect(byRegistrar.errors?.[0]?.message).toBe('For Mo an adult parent or caregiver gives consent');
    expect(await namesRead(registrar, mo)).toBe(readBefore + 1);

    const byColleague = await moConsentsHerself(colleague, mo);
    expect(byColleague.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'grantorMemberId' });
    expect(byColleague.errors?.[0]?.message).toBe('For the member an adult parent or caregiver gives consent');
    expect(await namesRead(colleague, mo)).toBe(0);
  });
});
