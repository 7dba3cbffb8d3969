import { DEFAULT_LEGAL_TIME_ZONE, isTimeZone } from '../common/calendar.js';

/**
 * Configuration, read once from the environment and validated at start: a production deployment
 * refuses to start without its auth and database settings instead of falling back to dev mode.
 */
export interface AppConfig {
  env: 'development' | 'test' | 'production';
  port: number;
  /** Unset: an embedded PostgreSQL under `dataDir` is started. */
  databaseUrl: string | undefined;
  dataDir: string;
  auth: OidcAuthConfig | DevAuthConfig;
  /** The longest a person's bearer token may live (exp − iat); tokens without `exp` are refused. */
  maxTokenHours: number;
  platformAdminSubjects: ReadonlySet<string>;
  /** Signs the tokens of integration clients (POST /oauth/token); unset outside production: generated in `dataDir`. */
  clientTokenSecret: string | undefined;
  /** Signs the checkpoints of the audit chain's head; unset outside production: generated in `dataDir`. */
  auditCheckpointKey: string | undefined;
  /** Keys the hashes of national register numbers and of name + birth date (src/families/national-number.ts); unset outside production: generated in `dataDir`. */
  nationalNumberKey: string | undefined;
  /**
   * Whether registerFamily asks for `confirmNotDuplicate` when a member has the name and birth date of a member of
   * a known family (a known number is always refused): off for a bulk intake of existing caseloads, and in the
   * tests' default environment, whose factories register many a "Sara Peeters" on purpose.
   */
  duplicateNameCheck: boolean;
  /** Days off besides weekends and Belgian public holidays, for referral deadlines ('YYYY-MM-DD'). */
  extraHolidays: string[];
  /** Whose calendar dates count for ages, birthdays and deadlines, in the service and its database sessions. */
  legalTimeZone: string;
  webhooks: WebhookConfig;
  rateLimits: RateLimitConfig;
  retention: RetentionConfig;
  /** pino level of the JSON log; `silent` turns it off. */
  logLevel: LogLevel;
  transitions: TransitionConfig;
  /**
   * Hot reads answered by one compiled statement (audit/compiled-read.ts) where their selection allows; false
   * sends them down the field resolvers (for comparing the two paths: test/compiled-plan.e2e-spec.ts, the bench).
   */
  compiledReads: boolean;
  /**
   * Whether this process runs the hourly job that puts overdue referrals in the inboxes, and escalates
   * those still overdue to the network coordinators (any number of replicas may).
   */
  overdueJob: boolean;
  email: EmailConfig;
  /** How many working days after its deadline a stage still overdue is escalated to the network coordinators. */
  escalationWorkingDays: number;
  /** Whether this process runs the hourly job that reminds of consents expiring and actions due (any number of replicas may). */
  reminderJob: boolean;
}

/** Notification e-mails (docs/inbox.md, "E-mail"): only that there is something new, with a link. */
export interface EmailConfig {
  /** smtp:// or smtps:// URL of the mail server; unset: no e-mail is sent, and no e-mail is queued. */
  smtpUrl: string | undefined;
  /** The sender of the e-mails. */
  from: string;
  /** Where people open the service: the e-mails link to it. */
  publicUrl: string;
  /** Retries after a failed attempt; the delay doubles each time (with jitter) from `retryDelaySeconds`. */
  retryLimit: number;
  retryDelaySeconds: number;
  /** How long an idle worker waits before it asks the queue again (seconds, at least 0.5). */
  pollIntervalSeconds: number;
  /** How long one conversation with the mail server may take; a job held longer (its worker died) is taken again. */
  timeoutSeconds: number;
  /** New items for one recipient within a window of this many seconds (aligned on the clock) are told in one e-mail, at the window's end. */
  groupSeconds: number;
  /** From which hour (legal time zone) the daily digest goes out. */
  digestHour: number;
  /** Whether this process runs the hourly job that sends the daily digests (any number of replicas may). */
  digestJob: boolean;
}

/** The transition to 18 (docs/transition-to-18.md). */
export interface TransitionConfig {
  /** How far ahead a trajectory supporter sees a member's 18th birthday coming, and the checklist is proposed. */
  horizonMonths: number;
  /** Whether this process runs the hourly job that proposes the checklists (any number of replicas may). */
  job: boolean;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface WebhookConfig {
  /** Whether this process delivers webhooks (the queue is shared: any replica with a worker delivers). */
  worker: boolean;
  /** Seals the client secrets that sign webhooks; unset outside production: generated in `dataDir`. */
  secretKey: string | undefined;
  /** Retries after the first attempt; the delay doubles each time (with jitter) from `retryDelaySeconds`. */
  retryLimit: number;
  retryDelaySeconds: number;
  /** How long one POST may take before it counts as failed. */
  timeoutSeconds: number;
  /** How long an idle worker waits before it asks the queue again (a new delivery waits at most this). */
  pollIntervalMs: number;
  /**
   * Whether webhooks may be posted to loopback, private and other non-public addresses (a receiver on
   * this machine or the internal network); refused in production unless set, so that a registered URL
   * cannot reach internal services or the cloud metadata endpoint (SSRF).
   */
  allowPrivateAddresses: boolean;
}

/** Requests per minute (docs/operations.md, "Hostile input and rate limits"). */
export interface RateLimitConfig {
  /** Per token subject (a person or an integration client). */
  perPrincipal: number;
  /** Per client IP, for requests without a valid token. */
  perIp: number;
  /** `POST /oauth/token`, per client IP. */
  tokenEndpoint: number;
  /** Failed authentications per client IP in 15 minutes, before that IP is blocked for 15 minutes. */
  authFailures: number;
  /** `findKnownFamily` lookups per user in an hour (docs/family-identity.md). */
  familyLookupsPerHour: number;
  /** Reverse proxies in front of the service whose `X-Forwarded-For` names the client (0: none). */
  trustedProxies: number;
}

/** How long personal data of closed plans is kept (docs/retention.md). */
export interface RetentionConfig {
  /** Days after a family's last plan closed (or its registration, if it never had one) until its personal data is erased. */
  days: number;
  /** Whether this process runs the hourly erasure job (any number of replicas may: each family is erased once). */
  job: boolean;
}

export interface OidcAuthConfig {
  mode: 'oidc';
  issuer: string;
  audience: string;
  jwksUrl: string;
}

export interface DevAuthConfig {
  mode: 'dev';
  /** Unset: a random secret is kept in `<dataDir>/dev-secret`, shared with `npm run token`. */
  secret: string | undefined;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'test', 'production'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, test or production (got "${nodeEnv}")`);
  }
  const production = nodeEnv === 'production';

  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a port number (got "${env.PORT}")`);
  }

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// URL');
  }
  if (production && !databaseUrl) problems.push('DATABASE_URL is required in production (no embedded database)');

  let auth: AppConfig['auth'];
  if (env.AUTH_ISSUER) {
    for (const name of ['AUTH_AUDIENCE', 'AUTH_JWKS_URL'] as const) {
      if (!env[name]) problems.push(`${name} is required when AUTH_ISSUER is set`);
    }
    if (env.AUTH_JWKS_URL && !/^https?:\/\//.test(env.AUTH_JWKS_URL)) problems.push('AUTH_JWKS_URL must be an http(s) URL');
    auth = { mode: 'oidc', issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE ?? '', jwksUrl: env.AUTH_JWKS_URL ?? '' };
  } else {
    if (production) problems.push('AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL are required in production (development tokens are refused)');
    if (env.AUTH_DEV_SECRET !== undefined && env.AUTH_DEV_SECRET.length < 32) {
      problems.push('AUTH_DEV_SECRET must be at least 32 characters');
    }
    auth = { mode: 'dev', secret: env.AUTH_DEV_SECRET || undefined };
  }

  const maxTokenHours = wholeNumbers(env, problems)('AUTH_MAX_TOKEN_HOURS', 24, 1, 720);

  const clientTokenSecret = env.CLIENT_TOKEN_SECRET || undefined;
  if (clientTokenSecret !== undefined && clientTokenSecret.length < 32) problems.push('CLIENT_TOKEN_SECRET must be at least 32 characters');
  if (production && !clientTokenSecret) problems.push('CLIENT_TOKEN_SECRET is required in production (it signs integration client tokens)');

  const auditCheckpointKey = env.AUDIT_CHECKPOINT_KEY || undefined;
  if (auditCheckpointKey !== undefined && auditCheckpointKey.length < 32) problems.push('AUDIT_CHECKPOINT_KEY must be at least 32 characters');
  if (production && !auditCheckpointKey) problems.push('AUDIT_CHECKPOINT_KEY is required in production (it signs the audit chain checkpoints)');

  const nationalNumberKey = env.NATIONAL_NUMBER_KEY || undefined;
  if (nationalNumberKey !== undefined && nationalNumberKey.length < 32) problems.push('NATIONAL_NUMBER_KEY must be at least 32 characters');
  if (production && !nationalNumberKey) problems.push('NATIONAL_NUMBER_KEY is required in production (it keys the hashes of national register numbers)');

  const extraHolidays = (env.EXTRA_HOLIDAYS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const day of extraHolidays) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
      problems.push(`EXTRA_HOLIDAYS must be comma-separated dates YYYY-MM-DD (got "${day}")`);
    }
  }

  const legalTimeZone = env.LEGAL_TIME_ZONE || DEFAULT_LEGAL_TIME_ZONE;
  if (!isTimeZone(legalTimeZone)) problems.push(`LEGAL_TIME_ZONE must be an IANA time zone such as Europe/Brussels (got "${legalTimeZone}")`);

  const webhooks = webhookConfig(env, production, problems);
  const rateLimits = rateLimitConfig(env, problems);
  const transitions = {
    horizonMonths: wholeNumbers(env, problems)('TRANSITION_HORIZON_MONTHS', 12, 1, 60),
    job: flag(env, problems)('TRANSITION_JOB', true),
  };
  const retention = retentionConfig(env, problems);
  const email = emailConfig(env, production, problems);

  // Tests are quiet unless asked: only failures.
  const logLevel = env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'error' : 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: nodeEnv as AppConfig['env'],
    port,
    databaseUrl,
    dataDir: env.DATA_DIR ?? '.data',
    auth,
    maxTokenHours,
    platformAdminSubjects: new Set(
      (env.PLATFORM_ADMIN_SUBJECTS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    ),
    clientTokenSecret,
    auditCheckpointKey,
    nationalNumberKey,
    duplicateNameCheck: flag(env, problems)('DUPLICATE_NAME_CHECK', true),
    extraHolidays,
    legalTimeZone,
    webhooks,
    rateLimits,
    retention,
    logLevel: logLevel as LogLevel,
    transitions,
    compiledReads: flag(env, problems)('COMPILED_READS', true),
    overdueJob: flag(env, problems)('OVERDUE_JOB', true),
    email,
    escalationWorkingDays: wholeNumbers(env, problems)('ESCALATION_WORKING_DAYS', 3, 1, 30),
    reminderJob: flag(env, problems)('REMINDER_JOB', true),
  };
}

function emailConfig(env: NodeJS.ProcessEnv, production: boolean, problems: string[]): EmailConfig {
  const integer = wholeNumbers(env, problems);
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
  const publicUrl = env.PUBLIC_URL || (production ? '' : 'http://localhost:3000');
  if (smtpUrl && !publicUrl) problems.push('PUBLIC_URL is required in production when SMTP_URL is set (the e-mails link to it)');
  if (publicUrl && !/^https?:\/\/[^\s]+$/.test(publicUrl)) problems.push(`PUBLIC_URL must be an http(s) URL (got "${publicUrl}")`);
  return {
    smtpUrl,
    from: env.EMAIL_FROM || '1Gezin1Plan <no-reply@localhost>',
    publicUrl: publicUrl.replace(/\/+$/, ''),
    retryLimit: integer('EMAIL_RETRY_LIMIT', 8, 0, 30),
    retryDelaySeconds: integer('EMAIL_RETRY_DELAY_SECONDS', 60, 1, 3600),
    pollIntervalSeconds: integer('EMAIL_POLL_INTERVAL_MS', 2000, 500, 60_000) / 1000,
    timeoutSeconds: integer('EMAIL_TIMEOUT_SECONDS', 30, 1, 300),
    groupSeconds: integer('EMAIL_GROUP_SECONDS', 60, 1, 3600),
    digestHour: integer('DIGEST_HOUR', 7, 0, 23),
    digestJob: flag(env, problems)('DIGEST_JOB', true),
  };
}

function webhookConfig(env: NodeJS.ProcessEnv, production: boolean, problems: string[]): WebhookConfig {
  const integer = wholeNumbers(env, problems);
  const secretKey = env.WEBHOOK_SECRET_KEY || undefined;
  if (secretKey !== undefined && secretKey.length < 32) problems.push('WEBHOOK_SECRET_KEY must be at least 32 characters');
  if (production && !secretKey) problems.push('WEBHOOK_SECRET_KEY is required in production (it seals the secrets that sign webhooks)');
  return {
    worker: flag(env, problems)('WEBHOOK_WORKER', true),
    secretKey,
    retryLimit: integer('WEBHOOK_RETRY_LIMIT', 12, 0, 30),
    retryDelaySeconds: integer('WEBHOOK_RETRY_DELAY_SECONDS', 10, 1, 3600),
    timeoutSeconds: integer('WEBHOOK_TIMEOUT_SECONDS', 10, 1, 60),
    pollIntervalMs: integer('WEBHOOK_POLL_INTERVAL_MS', 1000, 50, 60_000),
    allowPrivateAddresses: flag(env, problems)('WEBHOOK_ALLOW_PRIVATE_ADDRESSES', !production),
  };
}

function rateLimitConfig(env: NodeJS.ProcessEnv, problems: string[]): RateLimitConfig {
  const integer = wholeNumbers(env, problems);
  return {
    perPrincipal: integer('RATE_LIMIT_PER_PRINCIPAL', 600, 1, 1_000_000),
    perIp: integer('RATE_LIMIT_PER_IP', 300, 1, 1_000_000),
    tokenEndpoint: integer('RATE_LIMIT_TOKEN_ENDPOINT', 20, 1, 1_000_000),
    authFailures: integer('RATE_LIMIT_AUTH_FAILURES', 10, 1, 1_000_000),
    familyLookupsPerHour: integer('RATE_LIMIT_FAMILY_LOOKUPS', 30, 1, 1_000_000),
    trustedProxies: integer('TRUST_PROXY_HOPS', 0, 0, 10),
  };
}

function retentionConfig(env: NodeJS.ProcessEnv, problems: string[]): RetentionConfig {
  // Five years (with a leap day) by default; at least one day, at most a century.
  return { days: wholeNumbers(env, problems)('RETENTION_DAYS', 1826, 1, 36_500), job: flag(env, problems)('RETENTION_JOB', true) };
}

/** Reads true/false variables, with a default; each bad one adds its problem. */
function flag(env: NodeJS.ProcessEnv, problems: string[]) {
  return (name: string, fallback: boolean): boolean => {
    const value = env[name] ?? String(fallback);
    if (!['true', 'false'].includes(value)) problems.push(`${name} must be true or false (got "${value}")`);
    return value === 'true';
  };
}

/** Reads whole-number variables in a range, with a default; each bad one adds its problem. */
function wholeNumbers(env: NodeJS.ProcessEnv, problems: string[]) {
  return (name: string, fallback: number, min: number, max: number): number => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${env[name]}")`);
    }
    return value;
  };
}
