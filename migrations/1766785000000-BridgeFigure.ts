import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bridge figure (docs/referrals-and-webhooks.md, "The bridge figure"): a member of the family's team,
 * often a volunteer, who accompanies the family to the first meeting with the receiving agency; the held
 * meeting records whether she was there. The life domain a referral addresses counts its unmet needs in
 * the network insight (declined or waitlisted per domain).
 */
export class BridgeFigure1766785000000 implements MigrationInterface {
  name = 'BridgeFigure1766785000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE referral ADD COLUMN bridge_figure_user_id uuid REFERENCES app_user(id);
      ALTER TABLE referral ADD COLUMN life_domain text;
      ALTER TABLE handover_meeting ADD COLUMN bridge_figure_present boolean;
      -- A bridge figure's own referrals (referrals(direction: ACCOMPANYING)).
      CREATE INDEX referral_bridge_figure_idx ON referral (bridge_figure_user_id, id) WHERE bridge_figure_user_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX referral_bridge_figure_idx;
      ALTER TABLE handover_meeting DROP COLUMN bridge_figure_present;
      ALTER TABLE referral DROP COLUMN life_domain;
      ALTER TABLE referral DROP COLUMN bridge_figure_user_id;
    `);
  }
}
