import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort } from './support/free-port.js';
import { ServiceProcess, serviceEnv } from './support/service-process.js';
import {
  AddFamilyMemberDocument,
  AddNoteDocument,
  BreakGlassDocument,
  CreatePortalInvitationDocument,
  MySubjectDocument,
  OpenPlanDocument,
  RedeemPortalInvitationDocument,
  RegisterFamilyDocument,
} from './graphql/generated.js';
import { queryText, TestApi, uniqueSubject } from './support/test-app.js';
import { type Person, World } from './support/world.js';

/**
 * Structured logs (issue 7, point 5): the service writes JSON lines; each line of a request carries its
 * request id (the client's X-Request-Id) and the principal (the token subject); every refusal is logged
 * with its code, operation and path; credentials and GraphQL variables (personal data) never appear.
 *
 * The service runs as a child process with LOG_LEVEL=info, so that the test reads its real stdout.
 */

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  principal?: string;
  [key: string]: unknown;
}

describe('request logs', () => {
  let api: TestApi;
  let service: ServiceProcess;
  let owner: Person;
  let outsider: Person;
  let familyId: string;

  beforeAll(async () => {
    api = await TestApi.start();
    const world = new World(api);
    const agency = await world.agency(await world.network());
    owner = await world.staff(agency);
    outsider = await world.staff(agency); // same agency, not assigned to the family: it does not see it
    familyId = (await world.family(owner)).id;
    const port = await freePort();
    service = new ServiceProcess(serviceEnv(process.env.DATABASE_URL!, port, { WEBHOOK_WORKER: 'false', LOG_LEVEL: 'info' }), port);
    await service.start();
  }, 120_000);

  afterAll(async () => {
    await service?.kill();
    await api?.stop();
  });

  /** The JSON lines the service wrote for `requestId`, once its completion line is there. */
  async function linesOf(requestId: string): Promise<LogLine[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const lines = service.output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine)
        .filter((line) => line.requestId === requestId);
      if (lines.some((line) => line.msg === 'request completed') || Date.now() > deadline) return lines;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('logs a refusal with the request id and the principal, and none of the personal data sent', async () => {
    const requestId = `test-${randomUUID()}`;
    const secretName = `Geheimnaam${randomUUID().slice(0, 8)}`;
    const res = await service.request(
      outsider.subject,
      queryText(AddFamilyMemberDocument),
      { input: { familyId, member: { role: 'CHILD', givenName: secretName, familyName: 'Verborgen', birthDate: '2020-02-02' } } },
      { 'X-Request-Id': requestId },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const lines = await linesOf(requestId);
    const denial = lines.find((line) => line.event === 'access_denied');
    expect(denial).toMatchObject({
      level: 40,
      code: 'NOT_FOUND',
      operation: 'AddFamilyMember',
      operationType: 'mutation',
      path: 'addFamilyMember',
      principal: outsider.subject,
      requestId,
    });
    expect(lines.find((line) => line.msg === 'request completed')).toMatchObject({
      principal: outsider.subject,
      req: { id: requestId, method: 'POST', path: '/graphql' },
      res: { statusCode: 200 },
    });
    expect(service.output).not.toContain(secretName);
    expect(service.output).not.toContain('Verborgen');
  });

  it('logs a refused subscription (graphql-ws) with its request id, and never the token', async () => {
    const requestId = `test-${randomUUID()}`;
    const forged = `forged-${randomUUID()}`;
    const client = createClient({
      url: `ws://127.0.0.1:${service.port}/graphql`,
      connectionParams: { Authorization: `Bearer ${forged}`, 'X-Request-Id': requestId },
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const answer = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: 'subscription Follow { referralStatusChanged { referralId } }' },
          { next: (result) => resolve(result), error: (error) => resolve(error), complete: () => resolve('complete') },
        );
      });
      expect(JSON.stringify(answer)).toContain('UNAUTHENTICATED');
    } finally {
      await client.dispose();
    }

    const deadline = Date.now() + 10_000;
    const denial = () =>
      service.output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine)
        .find((line) => line.event === 'access_denied' && line.requestId === requestId);
    while (!denial() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(denial()).toMatchObject({ level: 40, code: 'UNAUTHENTICATED', operation: 'Follow', operationType: 'subscription', path: 'referralStatusChanged' });
    expect(service.output).not.toContain(forged);
  });

  it('logs a request without a valid token as UNAUTHENTICATED, and never the token', async () => {
    const requestId = `test-${randomUUID()}`;
    const token = await TestApi.token(uniqueSubject('expired'), { expiresIn: '-1m' });
    const response = await service.fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, Cookie: 'session=topsecret', 'X-Request-Id': requestId },
      body: JSON.stringify({ query: queryText(MySubjectDocument) }),
    });
    expect(response.headers.get('x-request-id')).toBe(requestId);

    const lines = await linesOf(requestId);
    expect(lines.find((line) => line.event === 'access_denied')).toMatchObject({ code: 'UNAUTHENTICATED', requestId });
    expect(service.output).not.toContain(token);
    expect(service.output).not.toContain('topsecret');
  });

  it('names a request without X-Request-Id itself, and answers with that id', async () => {
    const response = await service.fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await TestApi.token(owner.subject)}` },
      body: JSON.stringify({ query: queryText(MySubjectDocument) }),
    });
    const requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await linesOf(requestId)).toContainEqual(expect.objectContaining({ msg: 'request completed', principal: owner.subject }));
  });

  it('keeps every personal value of a whole scenario out of the log, names a portal login by its member, and a principal once per line', async () => {
    const marker = randomUUID().slice(0, 8);
    const personal = {
      givenName: `Voornaam${marker}`,
      familyName: `Familienaam${marker}`,
      email: `mail-${marker}@example.be`,
      phone: `+32470${marker.replace(/\D/g, '').padEnd(6, '1').slice(0, 6)}`,
      note: `Notitie over de gezondheid ${marker}`,
      justification: `Acute zorg om de veiligheid van het kind ${marker}`,
      failing: `Onleesbaar${marker}`,
    };
    const portalLogin = `ouder-${marker}@example.be`;
    const register = queryText(RegisterFamilyDocument);
    const member = { role: 'PARENT', givenName: personal.givenName, familyName: personal.familyName, birthDate: '1988-03-03', email: personal.email, phone: personal.phone };
    const { registerFamily } = await service.gql(owner.subject, register, { input: { members: [member] } });
    const [saraId] = registerFamily.members.map((m: { id: string }) => m.id);
    const { openPlan } = await service.gql(owner.subject, queryText(OpenPlanDocument), {
      input: { familyId: registerFamily.id, summary: `Samenvatting ${marker}` },
    });
    await service.gql(owner.subject, queryText(AddNoteDocument), {
      input: { planId: openPlan.id, category: 'NOTES', body: personal.note },
    });
    await service.gql(owner.subject, queryText(BreakGlassDocument), {
      input: { familyId: registerFamily.id, justification: personal.justification, hours: 1 },
    });
    // A statement that fails in the database, with personal data among its parameters.
    await service.request(owner.subject, register, { input: { members: [{ ...member, givenName: `${personal.failing}\u0000` }] } });
    // Several root fields: the principal is resolved, and named in the log, once per request.
    await service.request(owner.subject, `{ me { subject } families(first: 1) { edges { node { id } } } }`);
    // The family member in the portal: named by her member id, never by her login.
    const { createPortalInvitation } = await service.gql(owner.subject, queryText(CreatePortalInvitationDocument), { input: { memberId: saraId } });
    await service.gql(portalLogin, queryText(RedeemPortalInvitationDocument), { input: { code: createPortalInvitation.code } });
    const requestId = `test-${randomUUID()}`;
    await service.request(portalLogin, `{ myFamily { me { givenName } } }`, {}, { 'X-Request-Id': requestId });
    expect((await linesOf(requestId)).find((line) => line.msg === 'request completed')).toMatchObject({ principal: `member:${saraId}` });

    for (const value of [...Object.values(personal), portalLogin, `Samenvatting ${marker}`]) expect(service.output).not.toContain(value);
    const repeated = service.output.split('\n').filter((line) => (line.match(/"principal":/g) ?? []).length > 1);
    expect(repeated).toEqual([]);
  });
});
