import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * One writer per table: each table is written only by the code of the folder that owns it (src/<owner>/);
 * other modules call the owner's transaction-scoped methods. The map is documented in docs/architecture.md.
 * Tables marked "(database)" are written only by triggers and SQL functions, never by TypeScript. The seed
 * (bench/seed/) writes every table on purpose and is not in src/.
 */
const OWNERS: Record<string, string> = {
  network: 'networks',
  agency: 'agencies',
  agency_service_area: 'agencies',
  app_user: 'users',
  membership: 'users',
  membership_invitation: 'users',
  subject_identity: 'auth',
  family: 'families',
  family_member: 'families',
  family_merge: 'family-merge',
  family_move: 'families',
  family_member_change: 'families',
  member_correction_request: 'families',
  family_member_identity: 'families', // also (database) forget_member_identity on erasure
  family_lookup: 'families',
  team_participation_request: 'families',
  case_assignment: 'assignments',
  plan: 'plans',
  plan_participant: 'plans',
  trajectory_supporter: 'plans',
  plan_closure_agreement: 'plans',
  plan_history: 'history',
  goal: 'goals',
  goal_member: 'goals',
  goal_progress_note: 'goals',
  action: 'goals',
  note: 'notes',
  note_member: 'notes',
  consent: 'consents',
  consent_subject: 'consents',
  consent_revocation: 'consents',
  consent_confirmation: 'consents',
  consent_grant: 'consents', // (database) consent triggers
  capacity_assessment: 'consents',
  break_glass_grant: 'break-glass',
  break_glass_revocation: 'break-glass',
  portal_invitation: 'portal',
  portal_login_ended: 'portal',
  referral: 'referrals',
  referral_member: 'referrals',
  referral_transition: 'referrals',
  handover_meeting: 'referrals',
  outbox_event: 'referrals',
  inbox_item: 'inbox',
  notification_channel: 'inbox',
  inbox_digest: 'inbox',
  integration_client: 'integrations',
  directory_service: 'directory',
  webhook_delivery: 'webhooks',
  webhook_attempt: 'webhooks',
  idempotency_key: 'idempotency',
  erasure_request: 'retention',
  audit_event: 'audit',
  audit_chain: 'audit', // (database) audit_chain_pending()
  audit_unchained: 'audit', // (database) audit triggers
};

const root = join(import.meta.dirname, '..');

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f).split(sep).join('/'));
}

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');

/** Every table the migrations create. */
const tables = new Set(
  filesUnder('migrations').flatMap((f) => [...readFileSync(join(root, f), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?([a-z_]+)/g)].map((m) => m[1]!)),
);

const sources = filesUnder('src').map((file) => ({ file, text: withoutComments(readFileSync(join(root, file), 'utf8')) }));

/** Entity class name → its table, from `@Entity('table') export class Name`. */
const tableOfEntity = new Map(
  sources.flatMap(({ text }) => [...text.matchAll(/@Entity\('([a-z_]+)'\)\s*export class (\w+)/g)].map((m) => [m[2]!, m[1]!] as const)),
);

interface Write {
  file: string;
  table: string;
  how: string;
}

/**
 * The writes of one source file: SQL text (INSERT INTO / UPDATE / DELETE FROM a table) and TypeORM writes naming
 * an entity (`em.insert(Entity, …)`, `em.save(em.create(Entity, …))`, a query builder's `.into(Entity)`). A
 * `save` or `remove` of a bare variable cannot be attributed: it is reported, so that it names its entity.
 */
function writesOf({ file, text }: { file: string; text: string }): Write[] {
  const writes: Write[] = [];
  for (const m of text.matchAll(/\b(INSERT INTO|UPDATE|DELETE FROM)\s+"?([a-z_][a-z0-9_]*)\b/g)) {
    if (tables.has(m[2]!)) writes.push({ file, table: m[2]!, how: m[0] });
  }
  for (const m of text.matchAll(/\.(insert|update|delete|upsert|softDelete|restore|increment|decrement|into)\(\s*([A-Z]\w*)\b/g)) {
    const table = tableOfEntity.get(m[2]!);
    if (table) writes.push({ file, table, how: m[0] });
  }
  for (const m of text.matchAll(/\.(save|remove|softRemove|recover)\(\s*(?:\w+\.create\(\s*)?(\w+)/g)) {
    writes.push({ file, table: tableOfEntity.get(m[2]!) ?? UNNAMED, how: m[0] });
  }
  return writes;
}

/** A `save` or `remove` of a variable: which table it writes is not in the text. */
const UNNAMED = '(an entity it does not name: write em.insert(Entity, …) or em.update(Entity, …))';

const ownerOf = (file: string) => file.split('/')[1];

describe('one writer per table', () => {
  const writes = sources.flatMap(writesOf);

  it('every table the migrations create has an owning folder, and every owner is a folder of src/', () => {
    expect([...tables].filter((t) => !(t in OWNERS)).sort()).toEqual([]);
    expect(Object.keys(OWNERS).filter((t) => !tables.has(t))).toEqual([]);
    const folders = new Set(sources.map((s) => ownerOf(s.file)));
    expect(Object.values(OWNERS).filter((o) => !folders.has(o))).toEqual([]);
  });

  it('finds the writes it checks (the scan sees SQL and TypeORM writes)', () => {
    const seen = (table: string, how: RegExp) => writes.some((w) => w.table === table && how.test(w.how));
    expect(seen('idempotency_key', /INSERT INTO/)).toBe(true);
    expect(seen('referral', /\.insert\(Referral/)).toBe(true);
    expect(seen('agency', /\.save\(em\.create\(Agency/)).toBe(true);
    expect(tableOfEntity.get('CaseAssignment')).toBe('case_assignment');
  });

  it('no file writes a table its folder does not own', () => {
    const trespasses = writes
      .filter((w) => ownerOf(w.file) !== OWNERS[w.table])
      .map((w) => `${w.file} writes ${w.table} by ${w.how.replace(/\s+/g, ' ')}${w.table in OWNERS ? ` (owner: src/${OWNERS[w.table]})` : ''}`);
    expect(trespasses).toEqual([]);
  });
});
