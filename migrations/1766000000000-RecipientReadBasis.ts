import type { MigrationInterface, QueryRunner } from 'typeorm';

const BASES_BEFORE = `'CONSENT','AUTHOR','BREAK_GLASS','FAMILY_SELF','ASSIGNMENT','ADMINISTRATION'`;

/**
 * A new legal basis in the audit trail: RECIPIENT, a read of what a record addressed to the reader's agency
 * shows without consent — the status and dates of a referral sent to it, once a referred member withdrew her
 * REFERRAL consent (or for a partner system without the personal scope). Such reads were recorded as
 * ASSIGNMENT, although nobody was assigned. The check is added NOT VALID: the entries already written hold
 * only the older bases, and the append-only table is not scanned for it.
 */
export class RecipientReadBasis1766000000000 implements MigrationInterface {
  name = 'RecipientReadBasis1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_event DROP CONSTRAINT audit_event_legal_basis_check;
      ALTER TABLE audit_event ADD CONSTRAINT audit_event_legal_basis_check
        CHECK (legal_basis IN (${BASES_BEFORE}, 'RECIPIENT')) NOT VALID;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_event DROP CONSTRAINT audit_event_legal_basis_check;
      ALTER TABLE audit_event ADD CONSTRAINT audit_event_legal_basis_check CHECK (legal_basis IN (${BASES_BEFORE})) NOT VALID;
    `);
  }
}
