import { AddNoteDetailsDocument, type AddNoteInput, PlanNoteAuthorsDocument, PlanNotesAndHistoryDocument } from './graphql/generated.js';
import { codeOf, type GraphQLResult, TestApi } from './support/test-app.js';
import { parent, type PlanTeam, type PlanTeamActor as Actor, subjectOf, World } from './support/world.js';

/**
 * Notes over GraphQL/HTTP: who may write which category, who reads which (volunteers never get
 * HEALTH or SAFETY notes), validation, atomicity, history without the body, and a bounded SQL count.
 */

const CATEGORIES = ['IDENTITY', 'CONTACT', 'PLAN', 'NOTES', 'HEALTH', 'SAFETY', 'REFERRAL'] as const;
type Category = (typeof CATEGORIES)[number];
type Code = 'OK' | 'FORBIDDEN' | 'NOT_FOUND';

interface HistoryNode {
  change: string;
  entityType: string;
  entityId: string;
  details: Record<string, unknown>;
}

describe('notes', () => {
  let api: TestApi;
  let world: World;
  /** The people around one family; the family, its plan and the volunteer's assignment are made per test. */
  let team: PlanTeam;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    team = await world.planTeam();
  });
  afterAll(() => api.stop());

  /** A new family (registered by the caseworker, so assigned to it) with an open plan; the volunteer is assigned too. */
  const familyPlan = () =>
    world.teamFamilyWithPlan(team, {
      members: [parent('Sara', 'Janssens', '1990-01-01'), parent('Youssef', 'Janssens', '1990-01-01')],
      summary: 'Wij zoeken hulp bij de opvoeding.',
    });

  async function notesOf(subject: string, planId: string): Promise<{ id: string; category: Category }[]> {
    return (await api.ok(subject, PlanNotesAndHistoryDocument, { id: planId })).plan.notes;
  }

  async function historyOf(planId: string): Promise<HistoryNode[]> {
    const { plan } = await api.ok(team.caseworker.subject, PlanNotesAndHistoryDocument, { id: planId });
    return plan.history.edges.map((e: { node: HistoryNode }) => e.node);
  }

  function expectError(result: GraphQLResult, code: string, extensions: Record<string, unknown> = {}) {
    expect(result.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code, ...extensions }));
    expect(result.data ?? null).toBeNull();
  }

  // ---------------------------------------------------------------------------------------------
  describe('addNote', () => {
    it.each<[Actor, Category, Code]>([
      ['caseworker', 'PLAN', 'OK'],
      ['caseworker', 'HEALTH', 'OK'],
      ['caseworker', 'SAFETY', 'OK'],
      ['volunteer', 'PLAN', 'OK'],
      ['volunteer', 'NOTES', 'OK'],
      ['volunteer', 'HEALTH', 'FORBIDDEN'],
      ['volunteer', 'SAFETY', 'FORBIDDEN'],
      ['unassigned caseworker (same agency)', 'PLAN', 'NOT_FOUND'],
      ['caseworker of another network', 'PLAN', 'NOT_FOUND'],
      ['agency admin', 'PLAN', 'FORBIDDEN'],
    ])('%s, category %s → %s', async (actor, category, expected) => {
      const { planId, memberIds } = await familyPlan();
      const body = 'Moeder voelt zich overbelast; afspraak met de huisarts volgende week.';
      const result = await api.gql(subjectOf(team, actor), AddNoteDetailsDocument, { input: { planId, category, body, memberIds: [memberIds[0]] } });
      expect(codeOf(result)).toBe(expected);
      const notes = await notesOf(team.caseworker.subject, planId);
      const history = await historyOf(planId);
      if (expected === 'OK') {
        const author = actor === 'volunteer' ? team.volunteer : team.caseworker;
        const note = result.data!.addNote;
        expect(note).toEqual({
          id: expect.any(String),
          planId,
          category,
          body,
          author: { id: author.userId, displayName: expect.any(String) },
          authorAgency: { id: team.agency.id },
          members: [{ id: memberIds[0] }],
          createdAt: expect.any(String),
        });
        expect(notes).toEqual([{ id: note.id, category }]);
        // The history is read by the whole team: it names the category, never the text.
        expect(history.filter((h) => h.change === 'NOTE_ADDED')).toEqual([
          { change: 'NOTE_ADDED', entityType: 'Note', entityId: note.id, details: { category } },
        ]);
      } else {
        expect(result.data ?? null).toBeNull();
        expect(notes).toEqual([]);
        expect(history.map((h) => h.change)).toEqual(['PLAN_OPENED']);
      }
    });

    it('records a note about no member in particular', async () => {
      const { planId } = await familyPlan();
      const { addNote } = await api.ok(team.caseworker.subject, AddNoteDetailsDocument, { input: { planId, category: 'PLAN', body: 'Gezinsoverleg gepland' } });
      expect(addNote.members).toEqual([]);
    });

    /** `ours` are members of the plan's family, `theirs` of another family. */
    type Members = { ours: string[]; theirs: string[] };
    it.each<[string, (m: Members) => Partial<AddNoteInput>, string]>([
      ['an empty body', () => ({ body: '' }), 'body'],
      ['a blank body', () => ({ body: ' \n ' }), 'body'],
      ['a body of 10001 characters', () => ({ body: 'x'.repeat(10001) }), 'body'],
      ['a member of another family', (m) => ({ memberIds: [m.ours[0], m.theirs[0]] }), 'memberIds'],
      ['a member id that is no id', () => ({ memberIds: ['not-an-id'] }), 'memberIds'],
    ])('refuses %s as BAD_USER_INPUT and writes nothing', async (_, extra, field) => {
      const { planId, memberIds: ours } = await familyPlan();
      const { memberIds: theirs } = await familyPlan();
      const input: AddNoteInput = { planId, category: 'PLAN', body: 'Een notitie', memberIds: ours, ...extra({ ours, theirs }) };
      expectError(await api.gql(team.caseworker.subject, AddNoteDetailsDocument, { input }), 'BAD_USER_INPUT', { field });
      expect(await notesOf(team.caseworker.subject, planId)).toEqual([]);
      expect((await historyOf(planId)).map((h) => h.change)).toEqual(['PLAN_OPENED']);
    });

    it('accepts a body of exactly 10000 characters', async () => {
      const { planId } = await familyPlan();
      const { addNote } = await api.ok(team.caseworker.subject, AddNoteDetailsDocument, { input: { planId, category: 'NOTES', body: 'x'.repeat(10000) } });
      expect(addNote.body).toHaveLength(10000);
    });

    it('refuses a note on a closed plan as INVALID_TRANSITION', async () => {
      const { planId } = await familyPlan();
      await world.closePlan(team.caseworker, planId);
      const result = await api.gql(team.caseworker.subject, AddNoteDetailsDocument, { input: { planId, category: 'PLAN', body: 'Nog iets' } });
      expectError(result, 'INVALID_TRANSITION', { currentStatus: 'CLOSED' });
      expect(await notesOf(team.caseworker.subject, planId)).toEqual([]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('Plan.notes', () => {
    it('gives the caseworker every category and the volunteer all but HEALTH and SAFETY', async () => {
      const { planId } = await familyPlan();
      const written = new Map<Category, string>();
      for (const category of CATEGORIES) {
        const { addNote } = await api.ok(team.caseworker.subject, AddNoteDetailsDocument, { input: { planId, category, body: `Over ${category}` } });
        written.set(category, addNote.id);
      }
      const { addNote: own } = await api.ok(team.volunteer.subject, AddNoteDetailsDocument, { input: { planId, category: 'PLAN', body: 'Bezoek gebracht' } });

      const all = [...written.entries()].map(([category, id]) => ({ id, category })).concat({ id: own.id, category: 'PLAN' });
      expect(await notesOf(team.caseworker.subject, planId)).toEqual(all);
      expect(await notesOf(team.volunteer.subject, planId)).toEqual(all.filter((n) => n.category !== 'HEALTH' && n.category !== 'SAFETY'));
    });

    it('sends as many SQL statements for 10 notes as for 1, with author, agency and members', async () => {
      const QUERY = PlanNoteAuthorsDocument;
      async function planWith(notes: number): Promise<string> {
        const { planId, memberIds } = await familyPlan();
        for (let n = 0; n < notes; n++) {
          const author = n % 2 ? team.volunteer : team.caseworker;
          await api.ok(author.subject, AddNoteDetailsDocument, { input: { planId, category: 'PLAN', body: `Notitie ${n}`, memberIds } });
        }
        return planId;
      }
      const small = await planWith(1);
      const large = await planWith(10);
      const run = (planId: string) => api.countStatements(() => api.ok(team.caseworker.subject, QUERY, { id: planId }));
      const [smallCount, largeCount] = [await run(small), await run(large)];
      const { plan } = await api.ok(team.caseworker.subject, QUERY, { id: large });
      expect(plan.notes).toHaveLength(10);
      expect(plan.notes.every((n: { members: unknown[] }) => n.members.length === 2)).toBe(true);
      expect(largeCount).toBe(smallCount);
    });
  });
});
