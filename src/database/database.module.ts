import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrate } from './data-source.js';
import { PgNotifications } from './pg-notifications.js';
import { SqlStatementCounter } from './sql-statement-counter.js';

@Module({})
export class DatabaseModule {
  static forRoot(url: string, timeZone: string): DynamicModule {
    const counter = new SqlStatementCounter();
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(url, counter, timeZone),
          dataSourceFactory: async (options) => {
            const db = await new DataSource(options!).initialize();
            await migrate(db);
            return db;
          },
        }),
      ],
      providers: [
        { provide: SqlStatementCounter, useValue: counter },
        { provide: PgNotifications, useFactory: () => new PgNotifications(url) },
      ],
      exports: [SqlStatementCounter, PgNotifications],
    };
  }
}
