import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, createClient } from 'graphql-ws';
import { SMTPServer } from 'smtp-server';
import type { DataSource } from 'typeorm';
import { SetNotificationChannelDocument } from './graphql/generated.js';
import { ReferralScene } from './support/referral-scene.js';
import { type ScratchDatabase, scratchDatabase } from './support/scratch-database.js';
import { freePort } from './support/free-port.js';
import { ServiceProcess, serviceEnv } from './support/service-process.js';
import { TestApi } from './support/test-app.js';

/**
 * Exactly once per event and recipient (issue 20), where it can break: two replicas running the time-based
 * jobs at the same moment on one database, and a service process killed with SIGKILL after an event
 * committed and before its e-mail was delivered. On a database of its own, so that no other test file's
 * process takes these e-mail jobs.
 */
describe('inbox delivery, exactly once', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  let db: DataSource;
  let scene: ReferralScene;

  beforeAll(async () => {
    scratch = await scratchDatabase('inbox_delivery');
    // The in-test instance migrates the database and makes the fixtures; without SMTP_URL it sends no e-mail.
    api = await TestApi.start({ DATABASE_URL: scratch.url, OVERDUE_JOB: 'false', REMINDER_JOB: 'false', DIGEST_JOB: 'false' });
    db = api.db;
    scene = await ReferralScene.create(api);
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    await scratch?.drop();
  });

  /** A sent referral, as the referrer sends it through the in-test instance. */
  async function sent(): Promise<string> {
    const { id, version } = await scene.draft();
    await scene.step('sendReferral', id, version);
    return id;
  }

  /** Each (event, recipient) of these records' items, with how many items it has. */
  const itemsPerRecipient = (kind: string, subjectIds: string[]) =>
    db.query(
      `SELECT subject_id, coalesce(recipient_user_id, recipient_member_id) AS recipient, count(*)::int AS n
         FROM inbox_item WHERE kind = $1 AND subject_id = ANY($2) GROUP BY 1, 2 ORDER BY 1, 2`,
      [kind, subjectIds],
    ) as Promise<{ subject_id: string; recipient: string; n: number }[]>;

  describe('two replicas running the time-based jobs at once', () => {
    /** The compiled jobs command, as a replica's hourly job runs the same code, against this file's database. */
    const runJob = (job: string) =>
      new Promise<{ failed: boolean; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['dist/src/cli/jobs.js', '--run', job],
          { cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: scratch.url }, timeout: 90_000 },
          (error, stdout, stderr) => resolve({ failed: error !== null, stdout, stderr }),
        );
      });

    it('each recipient gets one item per overdue stage, though two replicas run overdue and reminders together', async () => {
      const referrals: string[] = [];
      for (let i = 0; i < 6; i++) referrals.push(await sent());
      await db.transaction(async (em) => {
        await em.query(`SELECT set_config('app.actor_subject', 'test:clock', true)`);
        await em.query(`UPDATE referral SET due_at = now() - interval '1 minute' WHERE id = ANY($1)`, [referrals]);
      });

      // Two replicas, each running both jobs, all four at once; then one more run, as the next hour's.
      const runs = await Promise.all([runJob('overdue'), runJob('overdue'), runJob('reminders'), runJob('reminders')]);
      expect(runs.map((r) => [r.failed, r.stderr])).toEqual(runs.map(() => [false, '']));
      const told = runs.slice(0, 2).map((r) => Number(/told (\d+) stage/.exec(r.stdout)?.[1]));
      // Together they told each stage once; which replica told which is up to the race.
      expect(told[0]! + told[1]!).toBe(referrals.length);
      expect((await runJob('overdue')).stdout).toContain('told 0 stages');

      const items = await itemsPerRecipient('REFERRAL_OVERDUE', referrals);
      // The receiving agency's caseworkers and admins and the referrer: one item each per referral, none twice.
      expect(items.map((i) => i.n)).toEqual(items.map(() => 1));
      const recipientsOf = (referral: string) => items.filter((i) => i.subject_id === referral).map((i) => i.recipient);
      expect(recipientsOf(referrals[0]!)).toEqual(expect.arrayContaining([scene.intake.userId, scene.worker.userId]));
      for (const referral of referrals) expect(recipientsOf(referral)).toEqual(recipientsOf(referrals[0]!));
    }, 180_000);
  });

  describe('SIGKILL between the commit of an event and the delivery of its e-mail', () => {
    let smtp: SMTPServer;
    const received: string[] = [];
    /** Addresses whose first RCPT the server holds, unanswered, until the test lets go; and those it held. */
    const holdOnce = new Set<string>();
    const held: { to: string; release: () => void }[] = [];
    let a: ServiceProcess;
    let b: ServiceProcess;
    let subscription: Client | undefined;

    beforeAll(async () => {
      smtp = new SMTPServer({
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onRcptTo(address, _session, callback) {
          if (holdOnce.delete(address.address)) {
            held.push({ to: address.address, release: () => callback(Object.assign(new Error('Gone'), { responseCode: 421 })) });
            return;
          }
          callback();
        },
        onData(stream, session, callback) {
          stream.resume();
          stream.on('end', () => {
            for (const to of session.envelope.rcptTo) received.push(to.address);
            callback();
          });
        },
      });
      // A connection cut off by the kill is no error of the test's.
      smtp.on('error', () => undefined);
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
      const env = { SMTP_URL: smtpUrl, EMAIL_POLL_INTERVAL_MS: '500', EMAIL_RETRY_DELAY_SECONDS: '1', EMAIL_TIMEOUT_SECONDS: '3', EMAIL_GROUP_SECONDS: '1' };
      const jobsOff = { OVERDUE_JOB: 'false', REMINDER_JOB: 'false', DIGEST_JOB: 'false', WEBHOOK_WORKER: 'false' };
      const [portA, portB] = [await freePort(), await freePort()];
      a = new ServiceProcess(serviceEnv(scratch.url, portA, { ...env, ...jobsOff }), portA);
      // The other replica sends no e-mail (no SMTP_URL): the e-mail can only come from A, before or after its restart.
      b = new ServiceProcess(serviceEnv(scratch.url, portB, jobsOff), portB);
      await Promise.all([a.start(), b.start()]);
    }, 180_000);

    afterAll(async () => {
      await subscription?.dispose();
      for (const h of held) h.release();
      await a?.kill();
      await b?.kill();
      await new Promise<void>((resolve) => smtp.close(resolve));
    });

    it('after the restart, the item is there once and the e-mail arrives once; the other replica told its subscriber', async () => {
      const address = `intake-${Date.now()}@example.test`;
      await api.ok(scene.intake.subject, SetNotificationChannelDocument, { input: { channel: 'IMMEDIATE', email: address } });

      // The intake caseworker follows her inbox on replica B; an item she marks read shows it attached.
      const warm = await sent();
      const counts: number[] = [];
      subscription = createClient({
        url: `ws://127.0.0.1:${b.port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { Authorization: `Bearer ${await TestApi.token(scene.intake.subject)}` },
        retryAttempts: 0,
      });
      subscription.subscribe<{ inboxChanged: { unreadCount: number } }>(
        { query: 'subscription { inboxChanged { unreadCount } }' },
        { next: (r) => void (r.data && counts.push(r.data.inboxChanged.unreadCount)), error: () => undefined, complete: () => undefined },
      );
      const [{ id: warmItem }] = await db.query(`SELECT id FROM inbox_item WHERE subject_id = $1 AND recipient_user_id = $2`, [warm, scene.intake.userId]);
      for (let waited = 0; counts.length === 0; waited += 100) {
        if (waited > 20_000) throw new Error('the subscription never answered');
        await b.gql(scene.intake.subject, `mutation($ids: [ID!]!) { markInboxItemsRead(input: { ids: $ids }) { id } }`, { ids: [warmItem] });
        await sleep(100);
      }
      const attached = counts.length;

      // The referral is sent through A; A's e-mail worker takes the job and the mail server holds it there.
      holdOnce.add(address);
      const { id, version } = await scene.draft();
      const { body } = await a.request(scene.worker.subject, `mutation($input: SendReferralInput!) { sendReferral(input: $input) { version } }`, {
        input: { referralId: id, expectedVersion: version },
      });
      expect(body.errors).toBeUndefined();
      for (let waited = 0; held.length === 0; waited += 100) {
        if (waited > 30_000) throw new Error('A never tried to send the e-mail');
        await sleep(100);
      }
      await a.kill();
      expect(received).toEqual([]);

      // Committed: the item is there once, and B's subscriber heard of it through the database.
      const itemsOfEvent = await itemsPerRecipient('REFERRAL_RECEIVED', [id]);
      expect(itemsOfEvent.map((i) => i.n)).toEqual(itemsOfEvent.map(() => 1));
      expect(itemsOfEvent.map((i) => i.recipient)).toContain(scene.intake.userId);
      for (let waited = 0; counts.length === attached; waited += 100) {
        if (waited > 10_000) throw new Error('B did not tell its subscriber');
        await sleep(100);
      }

      // A restarts; the job its predecessor held is taken again once its lease ran out, and sent once.
      await a.start();
      for (let waited = 0; !received.includes(address); waited += 200) {
        if (waited > 90_000) throw new Error('The e-mail did not arrive after the restart');
        await sleep(200);
      }
      // Once no e-mail job is left to send (A's is the only one: B and the in-test instance have no SMTP_URL), what
      // arrived is all that will.
      for (let waited = 0; (await db.query(`SELECT 1 FROM pgboss.job WHERE name = 'inbox-email' AND state IN ('created', 'retry', 'active')`)).length > 0; waited += 100) {
        if (waited > 30_000) throw new Error('The e-mail job was not settled after it was sent');
        await sleep(100);
      }
      expect(received.filter((to) => to === address)).toEqual([address]);
      const { inbox } = await a.gql(scene.intake.subject, `{ inbox(first: 100) { edges { node { kind about { id } } } } }`);
      expect(inbox.edges.filter((e: { node: { about: { id: string } } }) => e.node.about.id === id)).toEqual([{ node: { kind: 'REFERRAL_RECEIVED', about: { id } } }]);
    }, 240_000);
  });
});
