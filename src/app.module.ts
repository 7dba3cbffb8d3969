import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { AgenciesModule } from './agencies/agencies.module.js';
import { AssignmentsModule } from './assignments/assignments.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BreakGlassModule } from './break-glass/break-glass.module.js';
import { ConsentsModule } from './consents/consents.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { DatabaseModule } from './database/database.module.js';
import { FamiliesModule } from './families/families.module.js';
import { GoalsModule } from './goals/goals.module.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NetworksModule } from './networks/networks.module.js';
import { NotesModule } from './notes/notes.module.js';
import { PlansModule } from './plans/plans.module.js';
import { PortalModule } from './portal/portal.module.js';
import { PolicyModule } from './policy/policy.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { InsightsModule } from './insights/insights.module.js';
import { IntegrationsModule } from './integrations/integrations.module.js';
import { ReferralsModule } from './referrals/referrals.module.js';
import { TransitionsModule } from './transitions/transitions.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { RateLimitModule } from './security/rate-limit.module.js';
import { SocketMessageLimit } from './security/socket-message-limit.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  /** The whole service for one configuration; `databaseUrl` must be resolved (see main.ts). */
  static forRoot(config: AppConfig & { databaseUrl: string }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigHolder.forRoot(config),
        // Before AuthModule: its guard must count a failed login before AuthGuard refuses it.
        RateLimitModule,
        LoggingModule.forRoot(config),
        DatabaseModule.forRoot(config.databaseUrl, config.legalTimeZone),
        HealthModule,
        MetricsModule,
        GraphQLModule.forRoot(graphqlOptions(config)),
        PolicyModule,
        AuditModule,
        IdempotencyModule,
        AuthModule,
        NetworksModule,
        AgenciesModule,
        UsersModule,
        FamiliesModule,
        AssignmentsModule,
        PlansModule,
        GoalsModule,
        NotesModule,
        ConsentsModule,
        BreakGlassModule,
        PortalModule,
        ReferralsModule,
        TransitionsModule,
        IntegrationsModule,
        InsightsModule,
        RetentionModule,
      ],
      providers: [SocketMessageLimit],
    };
  }
}

@Module({})
class ConfigHolder {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigHolder,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
