import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { AgenciesModule } from './agencies/agencies.module.js';
import { AssignmentsModule } from './assignments/assignments.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthGuard } from './auth/auth.guard.js';
import { PrincipalConfirmation } from './auth/principal-confirmation.interceptor.js';
import { AuthModule } from './auth/auth.module.js';
import { BreakGlassModule } from './break-glass/break-glass.module.js';
import { ConsentsModule } from './consents/consents.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { DatabaseModule } from './database/database.module.js';
import { DirectoryModule } from './directory/directory.module.js';
import { FamiliesModule } from './families/families.module.js';
import { FamilyMergeModule } from './family-merge/family-merge.module.js';
import { MemberCorrectionsModule } from './families/member-corrections.module.js';
import { FamilyIdentityModule } from './families/family-identity.module.js';
import { GoalsModule } from './goals/goals.module.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NetworksModule } from './networks/networks.module.js';
import { NotesModule } from './notes/notes.module.js';
import { PlansModule } from './plans/plans.module.js';
import { PortalModule } from './portal/portal.module.js';
import { PolicyGuard } from './policy/policy.guard.js';
import { PolicyModule } from './policy/policy.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { InsightsModule } from './insights/insights.module.js';
import { IntegrationsModule } from './integrations/integrations.module.js';
import { InboxModule } from './inbox/inbox.module.js';
import { ReferralsModule } from './referrals/referrals.module.js';
import { TransitionsModule } from './transitions/transitions.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { RateLimitGuard } from './security/rate-limit.guard.js';
import { RateLimitModule } from './security/rate-limit.module.js';
import { SocketMessageLimit } from './security/socket-message-limit.js';
import { UsersModule } from './users/users.module.js';

/**
 * The global guards, all here: Nest runs them in the order of this list (test/global-guards.e2e-spec.ts).
 * - RateLimitGuard first: every request counts, and a failed login (an invalid token) must be counted before
 *   AuthGuard refuses it, or guessing tokens would cost nothing. It verifies the token once for both.
 * - AuthGuard next: the principal and its ability, or UNAUTHENTICATED.
 * - PolicyGuard last: the operation's declared @Policy / @Authenticated / @Public against that ability.
 */
const GLOBAL_GUARDS: Provider[] = [RateLimitGuard, AuthGuard, PolicyGuard].map((guard) => ({ provide: APP_GUARD, useClass: guard }));

@Module({})
export class AppModule {
  /** The whole service for one configuration; `databaseUrl` must be resolved (see main.ts). */
  static forRoot(config: AppConfig & { databaseUrl: string }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigHolder.forRoot(config),
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
        FamilyMergeModule,
        MemberCorrectionsModule,
        FamilyIdentityModule,
        AssignmentsModule,
        PlansModule,
        GoalsModule,
        NotesModule,
        ConsentsModule,
        BreakGlassModule,
        PortalModule,
        InboxModule,
        ReferralsModule,
        TransitionsModule,
        IntegrationsModule,
        InsightsModule,
        DirectoryModule,
        RetentionModule,
      ],
      providers: [...GLOBAL_GUARDS, { provide: APP_INTERCEPTOR, useClass: PrincipalConfirmation }, SocketMessageLimit],
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
