import type { Logger } from 'typeorm';

/**
 * Counts every SQL statement TypeORM sends. Tests read it around one GraphQL operation to prove
 * that the statement count does not grow with the number of rows.
 */
export class SqlStatementCounter implements Logger {
  count = 0;

  logQuery(): void {
    this.count++;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
