import {
  AccessLogActionsDocument,
  BreakGlassDocument,
  FamilyContactsDocument,
  FamilyMemberHistoryDocument,
  InboxTextsDocument,
  MyLanguageDocument,
  SetMyLanguageDocument,
  UnlinkFamilyPortalDocument,
  UpdateFamilyMemberDocument,
} from './graphql/generated.js';
import { ReferralScene } from './support/referral-scene.js';
import { codeOf, TestApi } from './support/test-app.js';
import { child, parent, World } from './support/world.js';

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

  const languages = async (supporter: string, familyId: string) =>
    Object.fromEntries((await api.ok(supporter, FamilyContactsDocument, { id: familyId })).family!.members.map((m) => [m.givenName, m.preferredLanguage]));

  it('lets a portal member set her own language, and only hers: her inbox and access log follow it, her team sees it in her history', async () => {
    const { familyId, supporter, breakGlassId, logins } = await familyAfterBreakGlass();
    expect((await api.ok(logins.an, SetMyLanguageDocument, { language: 'EN' })).setMyLanguage.language).toBe('EN');
    expect((await api.ok(logins.an, MyLanguageDocument)).me.language).toBe('EN');
    expect(await breakGlassText(logins.an, breakGlassId)).toEqual([expect.stringMatching(/^Someone opened the family's data in an emergency/)]);
    expect(await grantLines(logins.an, familyId)).toEqual([expect.stringMatching(/ took emergency access to your data \(break-glass\)/)]);

    // The other adults keep theirs; the team reads hers as her preferredLanguage, and its change in her history.
    expect((await api.ok(logins.sophie, MyLanguageDocument)).me.language).toBe('FR_BE');
    expect((await api.ok(logins.john, MyLanguageDocument)).me.language).toBe('EN');
    expect(await languages(supporter.subject, familyId)).toEqual({ Sophie: 'fr-BE', John: 'en-GB', An: 'en' });
    const members = (await api.ok(supporter.subject, FamilyContactsDocument, { id: familyId })).family!.members;
    const an = members.find((m) => m.givenName === 'An')!;
    const history = (await api.ok(supporter.subject, FamilyMemberHistoryDocument, { memberId: an.id })).familyMemberHistory;
    expect(history.at(-1)).toMatchObject({ change: 'CORRECTED', fields: ['preferredLanguage'], before: { preferredLanguage: null }, after: { preferredLanguage: 'en' }, actor: null });

    // A parent may not set another adult's language: setMyLanguage names no one else, and the team's correction is not hers.
    const john = members.find((m) => m.givenName === 'John')!;
    expect(codeOf(await api.gql(logins.an, UpdateFamilyMemberDocument, { input: { memberId: john.id, preferredLanguage: 'nl-BE' } }))).toBe('FORBIDDEN');
    expect(await languages(supporter.subject, familyId)).toEqual({ Sophie: 'fr-BE', John: 'en-GB', An: 'en' });
  });

  it('lets a 15-year-old with a portal login set her own language, not her parent’s; her inbox follows it', async () => {
    const supporter = await world.staff(scene.referrer);
    const colleague = await world.staff(scene.referrer);
    const { familyId, members } = await world.familyWithPlan(supporter, {
      members: [parent('Ines', 'Janssens'), child('Nora', 'Janssens', '2011-06-01')],
      supporter,
      assign: { admin: scene.referrer.admin, userIds: [colleague.userId] },
    });
    const [ines, nora] = await Promise.all(members.map((m) => world.portalLogin(supporter, m.id)));
    expect((await api.ok(nora!, SetMyLanguageDocument, { language: 'FR_BE' })).setMyLanguage.language).toBe('FR_BE');
    const { breakGlass } = await api.ok(colleague.subject, BreakGlassDocument, { input: { familyId, justification: 'Acute melding van de school.' } });
    expect(await breakGlassText(nora!, breakGlass.id)).toEqual([expect.stringMatching(/^Quelqu’un a ouvert les données de la famille en urgence/)]);
    expect(await breakGlassText(ines!, breakGlass.id)).toEqual([expect.stringMatching(/^Iemand opende in een noodgeval/)]);
    expect(await languages(supporter.subject, familyId)).toEqual({ Ines: null, Nora: 'fr-BE' });
    expect(codeOf(await api.gql(nora!, UpdateFamilyMemberDocument, { input: { memberId: members[0]!.id, preferredLanguage: 'fr-BE' } }))).toBe('FORBIDDEN');
    expect(await languages(supporter.subject, familyId)).toEqual({ Ines: null, Nora: 'fr-BE' });
  });

  it('lets no integration client, stranger or member whose portal login ended set a language, and refuses a language it does not speak', async () => {
    const { familyId, logins, supporter } = await familyAfterBreakGlass();
    const sophie = (await api.ok(supporter.subject, FamilyContactsDocument, { id: familyId })).family!.members.find((m) => m.givenName === 'Sophie')!;
    await api.ok(supporter.subject, UnlinkFamilyPortalDocument, { m: sophie.id });
    expect(codeOf(await api.gql(logins.sophie, SetMyLanguageDocument, { language: 'EN' }))).toBe('FORBIDDEN');
    expect(await languages(supporter.subject, familyId)).toEqual({ Sophie: 'fr-BE', John: 'en-GB', An: null });
    expect(codeOf(await api.gql('nobody-here@example', SetMyLanguageDocument, { language: 'EN' }))).toBe('FORBIDDEN');

    expect((await scene.asClient('mutation { setMyLanguage(language: EN) { language } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const german = await api.gql(supporter.subject, 'mutation { setMyLanguage(language: DE) { language } }');
    expect(codeOf(german)).toMatch(/^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/);
    expect((await api.ok(supporter.subject, MyLanguageDocument)).me.language).toBe('NL_BE');
  });
});
