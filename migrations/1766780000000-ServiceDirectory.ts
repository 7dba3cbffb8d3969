import type { MigrationInterface, QueryRunner } from 'typeorm';
import { functionSql } from '../src/database/functions/index.js';

/**
 * The service directory of a network (docs/directory.md), after the Human Services Data Specification: a
 * service of an organisation (an agency on the platform, or an organisation outside it by name), with how to
 * refer to it. No personal data: organisations only; written under the audit trigger as every table.
 *
 * Searched with full text in Dutch and French (both dictionaries over the same accent-folded text, in one
 * generated column) and with trigram similarity on the name (pg_trgm). unaccent and pg_trgm are trusted
 * contrib extensions: a database owner creates them without being superuser.
 */
export class ServiceDirectory1766780000000 implements MigrationInterface {
  name = 'ServiceDirectory1766780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(functionSql('directory_fold'));
    await q.query(`
      CREATE TABLE directory_service (
        id uuid PRIMARY KEY,
        network_id uuid NOT NULL REFERENCES network(id),
        agency_id uuid REFERENCES agency(id),
        external_organisation text,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        life_domains text[] NOT NULL,
        eligibility text,
        min_age_months integer,
        max_age_months integer,
        languages text[] NOT NULL DEFAULT '{}',
        cost text NOT NULL,
        street_address text,
        postcode char(4),
        municipality text,
        opening_hours text,
        phone text,
        email text,
        website text,
        accessibility text,
        how_to_refer text NOT NULL,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search_document tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('dutch', directory_fold(name)), 'A') || setweight(to_tsvector('french', directory_fold(name)), 'A')
          || setweight(to_tsvector('dutch', directory_fold(coalesce(external_organisation, ''))), 'B')
          || setweight(to_tsvector('dutch', directory_fold(description)), 'B') || setweight(to_tsvector('french', directory_fold(description)), 'B')
          || setweight(to_tsvector('dutch', directory_fold(coalesce(eligibility, ''))), 'C')
          || setweight(to_tsvector('french', directory_fold(coalesce(eligibility, ''))), 'C')
        ) STORED,
        CHECK ((agency_id IS NULL) <> (external_organisation IS NULL)),
        CHECK (how_to_refer IN ('ON_PLATFORM', 'BY_CONTACT') AND (how_to_refer = 'BY_CONTACT' OR agency_id IS NOT NULL)),
        CHECK (cost IN ('FREE', 'REDUCED_UITPAS', 'PAID')),
        CHECK (min_age_months IS NULL OR max_age_months IS NULL OR min_age_months <= max_age_months),
        CHECK (postcode ~ '^[1-9][0-9]{3}$')
      );
      -- One service of a name per organisation (among those not archived).
      CREATE UNIQUE INDEX directory_service_name_once ON directory_service
        (network_id, COALESCE(agency_id::text, directory_fold(external_organisation)), directory_fold(name)) WHERE archived_at IS NULL;
      CREATE INDEX directory_service_search_idx ON directory_service USING gin (search_document) WHERE archived_at IS NULL;
      CREATE INDEX directory_service_name_trgm_idx ON directory_service USING gin (directory_fold(name) gin_trgm_ops) WHERE archived_at IS NULL;
      CREATE INDEX directory_service_network_idx ON directory_service (network_id, id) WHERE archived_at IS NULL;
      CREATE INDEX directory_service_agency_idx ON directory_service (agency_id) WHERE agency_id IS NOT NULL;
      CREATE TRIGGER directory_service_audit AFTER INSERT OR UPDATE OR DELETE ON directory_service
        FOR EACH ROW EXECUTE FUNCTION audit_write();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directory_service; DROP FUNCTION directory_fold(text)`);
  }
}
