import { isIPv6 } from 'node:net';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const MINUTE_MS = 60_000;
/** Failed authentications are counted over this window, and an IP that used up its budget is blocked this long. */
export const AUTH_FAILURE_WINDOW_MS = 15 * MINUTE_MS;

interface Bucket {
  hits: number;
  windowEnds: number;
  blockedUntil: number;
}

/**
 * The request budgets of README "Security and operations", counted in memory per process (fixed windows;
 * with several replicas each counts its own share). Each method counts one hit and answers the seconds
 * the caller must wait, 0 when the request may go on.
 *
 * Not @nestjs/throttler: it is CommonJS and requires the ESM-only @nestjs/common 12, which Node 20 does
 * but Jest on Node 20 cannot, so no test could start the application with it.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweeper = setInterval(() => this.sweep(), MINUTE_MS).unref();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Any request: per token subject (`principal`), else per client IP. */
  request(tracker: string, principal: boolean): number {
    const { perPrincipal, perIp } = this.config.rateLimits;
    return this.hit(`requests:${tracker}`, principal ? perPrincipal : perIp, MINUTE_MS, 0);
  }

  /** `POST /oauth/token`, per client IP. */
  tokenEndpoint(ip: string): number {
    return this.hit(`token-endpoint:${ip}`, this.config.rateLimits.tokenEndpoint, MINUTE_MS, 0);
  }

  /** Counts a failed authentication of `ip`: the one that uses up the budget blocks the IP for AUTH_FAILURE_WINDOW_MS. */
  authFailure(ip: string): void {
    this.hit(`auth-failures:${ip}`, this.config.rateLimits.authFailures - 1, AUTH_FAILURE_WINDOW_MS, AUTH_FAILURE_WINDOW_MS);
  }

  /** Whether `ip` is blocked for failed authentications, without counting. */
  authBlockedFor(ip: string): number {
    return this.secondsUntil(this.buckets.get(`auth-failures:${ip}`)?.blockedUntil ?? 0);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Counts a hit on `key`; beyond `limit` hits in its window the key is refused until the window ends, or for `blockMs`. */
  private hit(key: string, limit: number, windowMs: number, blockMs: number): number {
    const now = Date.now();
    let bucket = this.buckets.get(key);
    if (bucket && bucket.blockedUntil > now) return this.secondsUntil(bucket.blockedUntil);
    if (!bucket || bucket.windowEnds <= now) {
      bucket = { hits: 0, windowEnds: now + windowMs, blockedUntil: 0 };
      this.buckets.set(key, bucket);
    }
    bucket.hits += 1;
    if (bucket.hits <= limit) return 0;
    bucket.blockedUntil = Math.max(bucket.windowEnds, now + blockMs);
    return this.secondsUntil(bucket.blockedUntil);
  }

  private secondsUntil(time: number): number {
    return Math.max(0, Math.ceil((time - Date.now()) / 1000));
  }

  /** Forgets finished windows, so that memory follows the recent clients only. */
  private sweep(): void {
    const now = Date.now();
    for (const [key, bucket] of this.buckets) {
      if (bucket.windowEnds <= now && bucket.blockedUntil <= now) this.buckets.delete(key);
    }
  }
}

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
