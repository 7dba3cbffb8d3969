import { AccessLogActionsDocument, BreakGlassDocument, InboxTextsDocument, MyLanguageDocument, SetMyLanguageDocument } from './graphql/generated.js';
import { ReferralScene } from './support/referral-scene.js';
import { codeOf, TestApi } from './support/test-app.js';
import { World } from './support/world.js';

/**
 * Every sentence the family reads comes from the message catalogue in its own language (docs/inbox.md,
 * "Languages"): the member's preferredLanguage, Dutch by default; a professional's own setting.
 */
describe('texts in the reader’s language', () => {
  let api: TestApi;
  let world: World;
  let scene: ReferralScene;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    scene = await ReferralScene.create(api);
  });
  afterAll(() => api.stop());

  /** The family in three languages (World), after a break-glass on it. */
  async function familyAfterBreakGlass() {
    const { familyId, supporter, colleague, logins } = await world.familyInThreeLanguages(scene.referrer);
    const { breakGlass } = await api.ok(colleague.subject, BreakGlassDocument, { input: { familyId, justification: 'Acute melding van de huisarts.' } });
    return { familyId, supporter, breakGlassId: breakGlass.id, logins };
  }

  const breakGlassText = async (login: string, grantId: string) =>
    (await api.ok(login, InboxTextsDocument)).inbox.edges.map((e) => e.node).filter((n) => n.about.id === grantId).map((n) => n.text);
  const grantLines = async (login: string, familyId: string) =>
    (await api.ok(login, AccessLogActionsDocument, { f: familyId })).accessLog.edges
      .map((e) => e.node)
      .filter((n) => n.entityType === 'break_glass_grant' && n.action === 'INSERT')
      .map((n) => n.description);

  it('shows a French-speaking, an English-speaking and a Dutch (default) member the inbox and the access log in their language', async () => {
    const { familyId, breakGlassId, logins } = await familyAfterBreakGlass();

    expect((await api.ok(logins.sophie, MyLanguageDocument)).me.language).toBe('FR_BE');
    expect((await api.ok(logins.john, MyLanguageDocument)).me.language).toBe('EN');
    expect((await api.ok(logins.an, MyLanguageDocument)).me.language).toBe('NL_BE');

    expect(await breakGlassText(logins.sophie, breakGlassId)).toEqual([expect.stringMatching(/^Quelqu’un a ouvert les données de la famille en urgence, jusqu’au \d+ \S+ \d{4} à \d\d:\d\d\.$/)]);
    expect(await breakGlassText(logins.john, breakGlassId)).toEqual([expect.stringMatching(/^Someone opened the family's data in an emergency, until \d+ \S+ \d{4} at \d\d:\d\d\.$/)]);
    expect(await breakGlassText(logins.an, breakGlassId)).toEqual([expect.stringMatching(/^Iemand opende in een noodgeval de gegevens van het gezin, tot \d+ \S+ \d{4} om \d\d:\d\d\.$/)]);

    expect(await grantLines(logins.sophie, familyId)).toEqual([expect.stringMatching(/^Test CASEWORKER \(.+\) a pris un accès d’urgence à vos données, pour leur travail avec votre famille\.$/)]);
    expect(await grantLines(logins.john, familyId)).toEqual([
      expect.stringMatching(/^Test CASEWORKER \(.+\) took emergency access to your data \(break-glass\), as part of their work with your family\.$/),
    ]);
    expect(await grantLines(logins.an, familyId)).toEqual([expect.stringMatching(/^Test CASEWORKER \(.+\) nam in een noodgeval toegang tot uw gegevens, voor hun werk met uw gezin\.$/)]);
  });

  it('speaks to a professional in the language she sets, from the next request on; Dutch until then', async () => {
    const { supporter, breakGlassId } = await familyAfterBreakGlass();
    expect(await breakGlassText(supporter.subject, breakGlassId)).toEqual([expect.stringMatching(/^Iemand opende in een noodgeval/)]);
    expect((await api.ok(supporter.subject, SetMyLanguageDocument, { language: 'FR_BE' })).setMyLanguage.language).toBe('FR_BE');
    expect((await api.ok(supporter.subject, MyLanguageDocument)).me.language).toBe('FR_BE');
    expect(await breakGlassText(supporter.subject, breakGlassId)).toEqual([expect.stringMatching(/^Quelqu’un a ouvert les données de la famille en urgence/)]);
    await api.ok(supporter.subject, SetMyLanguageDocument, { language: 'EN' });
    expect(await breakGlassText(supporter.subject, breakGlassId)).toEqual([expect.stringMatching(/^Someone opened the family's data in an emergency/)]);
  });

  it('lets no family member, integration client or stranger set a language here, and refuses a language it does not speak', async () => {
    const { logins, supporter } = await familyAfterBreakGlass();
    // A family member's language is its preferredLanguage, which its team keeps.
    expect(codeOf(await api.gql(logins.an, SetMyLanguageDocument, { language: 'EN' }))).toBe('FORBIDDEN');
    expect((await api.ok(logins.an, MyLanguageDocument)).me.language).toBe('NL_BE');
    expect(codeOf(await api.gql('nobody-here@example', SetMyLanguageDocument, { language: 'EN' }))).toBe('FORBIDDEN');

    expect((await scene.asClient('mutation { setMyLanguage(language: EN) { language } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const german = await api.gql(supporter.subject, 'mutation { setMyLanguage(language: DE) { language } }');
    expect(codeOf(german)).toMatch(/^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/);
    expect((await api.ok(supporter.subject, MyLanguageDocument)).me.language).toBe('NL_BE');
  });
});
