import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import type { InboxItemKind } from '../src/inbox/inbox-kind.js';
import { InboxDigest } from '../src/inbox/inbox-digest.js';
import { InboxService } from '../src/inbox/inbox.service.js';
import { BreakGlassDocument, InboxTextsDocument, MyNotificationChannelDocument, SetMyLanguageDocument, SetNotificationChannelDocument } from './graphql/generated.js';
import { ReferralScene } from './support/referral-scene.js';
import { codeOf, TestApi, uniqueSubject } from './support/test-app.js';
import { type Person, World } from './support/world.js';

interface Mail {
  to: string;
  subject: string;
  text: string;
  language: string | undefined;
}

/**
 * Notification e-mails (docs/inbox.md, "E-mail") through a real SMTP server started here: what arrives, in
 * whose language, with no personal data; retried when the server refuses; nothing when OFF; one digest a day.
 */
describe('notification e-mails', () => {
  const PUBLIC_URL = 'https://gezin.example';
  /**
   * EMAIL_GROUP_SECONDS here: the new items of a window are told in one e-mail at its end. Two seconds (the
   * default is 60): long enough for three referrals to be sent inside one on a loaded machine, short enough
   * that the tests do not wait out minutes.
   */
  const WINDOW_MS = 2000;
  let smtp: SMTPServer;
  let smtpUrl: string;
  const received: Mail[] = [];
  /** Addresses the server refuses once (a temporary failure), and how often it refused. */
  const refuseOnce = new Set<string>();
  const refused: string[] = [];
  let api: TestApi;
  let world: World;
  let scene: ReferralScene;
  let db: pg.Client;

  beforeAll(async () => {
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (refuseOnce.delete(address.address)) {
          refused.push(address.address);
          return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        }
        callback();
      },
      onData(stream, session, callback) {
        simpleParser(stream).then((mail) => {
          for (const to of session.envelope.rcptTo) {
            received.push({ to: to.address, subject: mail.subject ?? '', text: mail.text ?? '', language: mail.headers.get('content-language') as string | undefined });
          }
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    api = await TestApi.start({
      SMTP_URL: smtpUrl,
      PUBLIC_URL,
      EMAIL_RETRY_DELAY_SECONDS: '1',
      EMAIL_POLL_INTERVAL_MS: '500',
      EMAIL_RETRY_LIMIT: '3',
      EMAIL_GROUP_SECONDS: String(WINDOW_MS / 1000),
    });
    world = new World(api);
    scene = await ReferralScene.create(api);
    db = new pg.Client(process.env.DATABASE_URL);
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await api.stop();
    await new Promise<void>((resolve) => smtp.close(resolve));
  });

  const address = () => `${uniqueSubject('mail').replace(/[^a-z0-9-]/gi, '')}@example.test`;
  const mailsTo = (to: string) => received.filter((m) => m.to === to);
  async function arrived(to: string, count = 1): Promise<Mail[]> {
    for (let waited = 0; mailsTo(to).length < count; waited += 100) {
      if (waited > 30_000) throw new Error(`${count} e-mail(s) to ${to} did not arrive (${mailsTo(to).length} did)`);
      await sleep(100);
    }
    return mailsTo(to);
  }
  async function choose(login: string, channel: 'OFF' | 'IMMEDIATE' | 'DAILY_DIGEST', email: string | null = address()): Promise<string | null> {
    await api.ok(login, SetNotificationChannelDocument, { input: { channel, email } });
    return email;
  }
  /**
   * Until no e-mail is queued, retrying or being sent (this file's app is the only one with an e-mail queue in
   * the test database): whatever more would be sent has been by then, so a count of e-mails afterwards is final.
   */
  async function settled(): Promise<void> {
    const pending = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'inbox-email' AND state IN ('created', 'retry', 'active')`)).rows[0].n as number;
    for (let waited = 0; (await pending()) > 0; waited += 100) {
      if (waited > 30_000) throw new Error('e-mail jobs still pending after 30 s');
      await sleep(100);
    }
  }
  /** Just after a grouping window began (windows are aligned on the clock, which the database shares). */
  const startOfWindow = () => sleep(WINDOW_MS - (Date.now() % WINDOW_MS) + 50);
  const jobsFor = async (userId: string): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'inbox-email' AND data->>'userId' = $1`, [userId])).rows[0].n;
  /** The value of one series of `GET /metrics` (its name and labels as exposed), 0 when absent. */
  const series = async (name: string): Promise<number> => {
    const line = (await request(api.app.getHttpServer()).get('/metrics')).text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.slice(name.length + 1)) : 0;
  };

  /** Nothing of the family: no member's name, not the referral's reason or service, not the break-glass reason. */
  function expectNoPersonalData(mail: Mail): void {
    for (const word of ['Sara', 'Peeters', 'Lien', 'Mo', 'Sophie', 'Dubois', 'John', 'Smith', 'An', 'Schoolproblemen', 'Begeleiding', 'huisarts']) {
      expect(`${mail.subject}\n${mail.text}`).not.toMatch(new RegExp(`\\b${word}\\b`));
    }
  }

  it('tells each recipient of a new item by e-mail, in its language, with a link and no name, reason or other family detail', async () => {
    const intakeMail = await choose(scene.intake.subject, 'IMMEDIATE');
    const workerMail = await choose(scene.worker.subject, 'IMMEDIATE');
    await api.ok(scene.worker.subject, SetMyLanguageDocument, { language: 'FR_BE' });
    const referral = await scene.draft();
    const sent = await scene.step('sendReferral', referral.id, referral.version);
    // Sending tells the receiving agency (not the referrer who sent it); receiving tells the referrer.
    const [toIntake] = await arrived(intakeMail!);
    await scene.step('receiveReferral', referral.id, sent);
    const [toWorker] = await arrived(workerMail!);

    expect(toIntake).toEqual({
      to: intakeMail,
      subject: 'Er is iets nieuws voor u in 1Gezin1Plan',
      text: expect.stringContaining(`Er is iets nieuws voor u in 1Gezin1Plan. Meld u aan om het te lezen:\n${PUBLIC_URL}/inbox\n`),
      language: 'nl-BE',
    });
    expect(toWorker).toEqual({
      to: workerMail,
      subject: 'Il y a du nouveau pour vous dans 1Gezin1Plan',
      text: expect.stringContaining(`Connectez-vous pour le lire :\n${PUBLIC_URL}/inbox\n`),
      language: 'fr-BE',
    });
    for (const mail of [toIntake!, toWorker!]) expectNoPersonalData(mail);
    await settled();
    expect([mailsTo(intakeMail!).length, mailsTo(workerMail!).length]).toEqual([1, 1]);
    await api.ok(scene.worker.subject, SetMyLanguageDocument, { language: 'NL_BE' });
  });

  it('sends nothing to whoever chose OFF or never chose, nor to the one who acted; an English-speaking member gets English', async () => {
    const { familyId, supporter, colleague: responder, logins } = await world.familyInThreeLanguages(scene.referrer);
    const { sophie, john, an } = logins;
    const sophieMail = await choose(sophie, 'IMMEDIATE');
    await choose(sophie, 'OFF', null);
    expect((await api.ok(sophie, MyNotificationChannelDocument)).myNotificationChannel).toEqual({ channel: 'OFF', email: null });
    expect((await api.ok(an, MyNotificationChannelDocument)).myNotificationChannel).toEqual({ channel: 'OFF', email: null });
    const johnMail = await choose(john, 'IMMEDIATE');
    const responderMail = await choose(responder.subject, 'IMMEDIATE');
    const supporterMail = await choose(supporter.subject, 'OFF', null);

    await api.ok(responder.subject, BreakGlassDocument, { input: { familyId, justification: 'Acute melding van de huisarts.' } });
    const [toJohn] = await arrived(johnMail!);
    expect(toJohn).toMatchObject({ subject: 'There is something new for you in 1Gezin1Plan', language: 'en' });
    expect(toJohn!.text).toContain(`${PUBLIC_URL}/inbox`);
    expectNoPersonalData(toJohn!);
    // They have the item in their inbox: only no e-mail of it.
    for (const login of [sophie, supporter.subject]) expect((await api.ok(login, InboxTextsDocument)).inbox.edges.map((e) => e.node.kind)).toContain('BREAK_GLASS_USED');
    await settled();
    expect([sophieMail, responderMail, supporterMail].flatMap((to) => (to ? mailsTo(to) : []))).toEqual([]);
  });

  it('tries again when the mail server refuses, and the e-mail arrives once', async () => {
    const mail = await choose(scene.intake.subject, 'IMMEDIATE');
    refuseOnce.add(mail!);
    const referral = await scene.draft();
    await scene.step('sendReferral', referral.id, referral.version);
    await arrived(mail!);
    expect(refused).toEqual([mail]);
    await settled();
    expect(mailsTo(mail!)).toHaveLength(1);
  });

  it('tells the new items of one grouping window in one e-mail at its end; a colleague who chose OFF gets none', async () => {
    const [grouped, off] = [await world.staff(scene.receiver), await world.staff(scene.receiver)];
    const mail = await choose(grouped.subject, 'IMMEDIATE');
    await choose(off.subject, 'OFF', null);
    const drafts = [await scene.draft(), await scene.draft(), await scene.draft()];
    await startOfWindow();
    const sentAt = Date.now();
    await Promise.all(drafts.map((referral) => scene.step('sendReferral', referral.id, referral.version)));
    expect(Date.now() - sentAt).toBeLessThan(WINDOW_MS - 100);

    const [toGrouped] = await arrived(mail!);
    // Not before the window's end: the items after the first one joined its e-mail.
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(WINDOW_MS - 200);
    expect(toGrouped).toMatchObject({ subject: 'Er is iets nieuws voor u in 1Gezin1Plan', language: 'nl-BE' });
    expectNoPersonalData(toGrouped!);
    await settled();
    expect(mailsTo(mail!)).toHaveLength(1);
    // Both have the three items; one e-mail job for the one, none for the other.
    for (const who of [grouped, off]) {
      const about = (await api.ok(who.subject, InboxTextsDocument)).inbox.edges.filter((e) => e.node.kind === 'REFERRAL_RECEIVED').map((e) => e.node.about.id);
      expect(about).toEqual(expect.arrayContaining(drafts.map((d) => d.id)));
    }
    expect([await jobsFor(grouped.userId), await jobsFor(off.userId)]).toEqual([1, 0]);

    // Items of the next window are told again.
    const next = await scene.draft();
    await scene.step('sendReferral', next.id, next.version);
    await arrived(mail!, 2);
  });

  it("tells an item of a transaction begun before its window's e-mail went out at the next window's end", async () => {
    const worker = await world.staff(scene.receiver);
    const mail = await choose(worker.subject, 'IMMEDIATE');
    const [first, second] = [await scene.draft(), await scene.draft()];
    await startOfWindow();
    await scene.step('sendReferral', first.id, first.version);
    // A producer's transaction that began in that window delivers its item after the window's e-mail went out.
    await api.db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'test:producer', true)`);
      await arrived(mail!);
      await sleep(500);
      const event = { id: randomUUID(), kind: 'REFERRAL_RECEIVED' as InboxItemKind, familyId: second.familyId, about: { type: 'Referral' as const, id: second.id }, params: {}, occurredAt: new Date() };
      expect(await api.app.get(InboxService).deliver(em, event, [{ user: worker.userId, agency: scene.receiver.id }])).toBe(1);
    });
    await arrived(mail!, 2);
    expect([await jobsFor(worker.userId)]).toEqual([2]);
  });

  it('tells a portal member in the language she set for herself', async () => {
    const { familyId, colleague: responder, logins } = await world.familyInThreeLanguages(scene.referrer);
    await api.ok(logins.an, SetMyLanguageDocument, { language: 'FR_BE' });
    const anMail = await choose(logins.an, 'IMMEDIATE');
    await api.ok(responder.subject, BreakGlassDocument, { input: { familyId, justification: 'Acute melding van de huisarts.' } });
    const [toAn] = await arrived(anMail!);
    expect(toAn).toMatchObject({ subject: 'Il y a du nouveau pour vous dans 1Gezin1Plan', language: 'fr-BE' });
    expectNoPersonalData(toAn!);
  });

  it('shows the e-mail queue in the metrics: waiting and how long, then sent; a refusal counted as failed', async () => {
    const sent = 'gezin1plan_email_sends_total{outcome="sent"}';
    const failed = 'gezin1plan_email_sends_total{outcome="failed"}';
    const before = { sent: await series(sent), failed: await series(failed) };
    const worker = await world.staff(scene.receiver);
    const mail = await choose(worker.subject, 'IMMEDIATE');
    refuseOnce.add(mail!);
    const referral = await scene.draft();
    await startOfWindow();
    await scene.step('sendReferral', referral.id, referral.version);
    await sleep(600);
    // Queued for the window's end.
    expect(await series('gezin1plan_email_jobs{state="waiting"}')).toBeGreaterThanOrEqual(1);
    expect(await series('gezin1plan_email_oldest_waiting_seconds')).toBeGreaterThanOrEqual(0.5);

    await arrived(mail!);
    await settled();
    expect(refused).toContain(mail);
    expect(await series(sent)).toBeGreaterThanOrEqual(before.sent + 1);
    expect(await series(failed)).toBe(before.failed + 1);
    expect(await series('gezin1plan_email_jobs{state="waiting"}')).toBe(0);
    expect(await series('gezin1plan_email_oldest_waiting_seconds')).toBe(0);
    expect(await series('gezin1plan_email_jobs{state="active"}')).toBe(0);
  });

  describe('the daily digest', () => {
    /** The compiled jobs command, as an operator runs it beside the service: it only queues. */
    const runDigest = () =>
      new Promise<{ failed: boolean; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['dist/src/cli/jobs.js', '--run', 'digest'],
          { cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, NODE_OPTIONS: '', SMTP_URL: smtpUrl, PUBLIC_URL }, timeout: 60_000 },
          (error, stdout, stderr) => resolve({ failed: error !== null, stdout, stderr }),
        );
      });

    it('sends one digest a day to who chose it, none to who chose IMMEDIATE, also when two runs race', async () => {
      const digestWorker: Person = await world.staff(scene.receiver);
      const digestMail = await choose(digestWorker.subject, 'DAILY_DIGEST');
      await api.ok(digestWorker.subject, SetMyLanguageDocument, { language: 'EN' });
      const intakeMail = await choose(scene.intake.subject, 'IMMEDIATE');
      const referral = await scene.draft();
      await scene.step('sendReferral', referral.id, referral.version);
      await arrived(intakeMail!);
      expect(mailsTo(digestMail!)).toEqual([]);

      const runs = await Promise.all([runDigest(), runDigest()]);
      expect(runs.map((r) => r.failed)).toEqual([false, false]);
      const [digest] = await arrived(digestMail!);
      expect(digest).toMatchObject({ subject: 'News for you in 1Gezin1Plan', language: 'en' });
      expect(digest!.text).toContain(`${PUBLIC_URL}/inbox`);
      expectNoPersonalData(digest!);
      // One more run, after the race: none left to queue today (the service's own run, which the hourly job makes).
      expect(await api.app.get(InboxDigest).queueDigests()).toBe(0);
      await settled();
      expect(mailsTo(digestMail!)).toHaveLength(1);
      expect(mailsTo(intakeMail!)).toHaveLength(1);
    }, 60_000);
  });

  describe('the setting', () => {
    it('is OFF by default, and needs an address for any other channel (BAD_USER_INPUT naming email; nothing changes)', async () => {
      const worker = await world.staff(scene.referrer);
      expect((await api.ok(worker.subject, MyNotificationChannelDocument)).myNotificationChannel).toEqual({ channel: 'OFF', email: null });
      for (const email of [null, 'not an address']) {
        const answer = await api.gql(worker.subject, SetNotificationChannelDocument, { input: { channel: 'IMMEDIATE', email } });
        expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
      }
      expect((await api.ok(worker.subject, MyNotificationChannelDocument)).myNotificationChannel).toEqual({ channel: 'OFF', email: null });
      const mail = await choose(worker.subject, 'DAILY_DIGEST');
      expect((await api.ok(worker.subject, MyNotificationChannelDocument)).myNotificationChannel).toEqual({ channel: 'DAILY_DIGEST', email: mail });
    });

    it('belongs to a person: an integration client or an unknown login answers FORBIDDEN', async () => {
      expect(codeOf(await api.gql(uniqueSubject('stranger'), SetNotificationChannelDocument, { input: { channel: 'IMMEDIATE', email: address() } }))).toBe('FORBIDDEN');
      const asClient = await scene.asClient(`mutation { setNotificationChannel(input: { channel: IMMEDIATE, email: "${address()}" }) { channel } }`);
      expect(asClient.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('without SMTP_URL, queues nothing', async () => {
      const plain = await TestApi.start();
      try {
        const plainScene = await ReferralScene.create(plain);
        await plain.ok(plainScene.intake.subject, SetNotificationChannelDocument, { input: { channel: 'IMMEDIATE', email: address() } });
        const intakeId = plainScene.intake.userId;
        const referral = await plainScene.draft();
        await plainScene.step('sendReferral', referral.id, referral.version);
        const { rows: items } = await db.query(`SELECT count(*)::int AS n FROM inbox_item WHERE recipient_user_id = $1`, [intakeId]);
        const { rows: jobs } = await db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'inbox-email' AND data->>'userId' = $1`, [intakeId]);
        expect([items[0].n, jobs[0].n]).toEqual([1, 0]);
      } finally {
        await plain.stop();
      }
    });
  });
});
