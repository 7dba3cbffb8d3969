import { isIPv6 } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** Failed authentications are counted over this window, and an IP that used up its budget is blocked this long. */
export const AUTH_FAILURE_WINDOW_SECONDS = 15 * 60;

/**
 * The request budgets of docs/operations.md ("Hostile input and rate limits") (rate-limiter-flexible, in memory per process:
 * with several replicas each counts its own share). Each method counts one hit and answers the seconds
 * the caller must wait, 0 when the request may go on.
 *
 * Not @nestjs/throttler: see docs/decisions.md, "rate-limiter-flexible, not @nestjs/throttler".
 */
@Injectable()
export class RateLimiter {
  private readonly perPrincipal: RateLimiterMemory;
  private readonly perIp: RateLimiterMemory;
  private readonly tokenRequests: RateLimiterMemory;
  private readonly authFailures: RateLimiterMemory;
  private readonly familyLookups: RateLimiterMemory;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { perPrincipal, perIp, tokenEndpoint, authFailures, familyLookupsPerHour } = config.rateLimits;
    this.perPrincipal = new RateLimiterMemory({ keyPrefix: 'principal', points: perPrincipal, duration: 60 });
    this.perIp = new RateLimiterMemory({ keyPrefix: 'ip', points: perIp, duration: 60 });
    this.tokenRequests = new RateLimiterMemory({ keyPrefix: 'token', points: tokenEndpoint, duration: 60 });
    this.authFailures = new RateLimiterMemory({ keyPrefix: 'auth-failures', points: authFailures, duration: AUTH_FAILURE_WINDOW_SECONDS });
    this.familyLookups = new RateLimiterMemory({ keyPrefix: 'family-lookups', points: familyLookupsPerHour, duration: 60 * 60 });
  }

  /** `findKnownFamily`, per user: asking whether a family is known is not for browsing the register. */
  familyLookup(userId: string): Promise<number> {
    return waitOf(this.familyLookups.consume(userId));
  }

  /** Any request: per token subject (`principal`), else per client IP. */
  request(tracker: string, principal: boolean): Promise<number> {
    return waitOf((principal ? this.perPrincipal : this.perIp).consume(tracker));
  }

  /** `POST /oauth/token`, per client IP. */
  tokenEndpoint(ip: string): Promise<number> {
    return waitOf(this.tokenRequests.consume(ip));
  }

  /**
   * Counts a failed authentication of `attempt` (an IP for bearer tokens; IP and client id at the token
   * endpoint): the one that uses up the budget blocks it for the window.
   */
  async authFailure(attempt: string): Promise<void> {
    const counted = await this.authFailures.penalty(attempt, 1);
    if (counted.consumedPoints >= this.authFailures.points) await this.authFailures.block(attempt, AUTH_FAILURE_WINDOW_SECONDS);
  }

  /** Whether `attempt` is blocked for failed authentications (seconds left), without counting. */
  async authBlockedFor(attempt: string): Promise<number> {
    const state = await this.authFailures.get(attempt);
    return state && state.consumedPoints > this.authFailures.points ? secondsOf(state) : 0;
  }
}

/** 0 when the hit was within budget, else the seconds until it may be tried again. */
function waitOf(hit: Promise<RateLimiterRes>): Promise<number> {
  return hit.then(
    () => 0,
    (refused: unknown) => {
      if (refused instanceof RateLimiterRes) return Math.max(1, secondsOf(refused));
      throw refused;
    },
  );
}

const secondsOf = (state: RateLimiterRes) => Math.max(0, Math.ceil(state.msBeforeNext / 1000));

/** An IPv6 client controls its whole /64: it counts as one address. IPv4 (also IPv4-mapped) as is. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
