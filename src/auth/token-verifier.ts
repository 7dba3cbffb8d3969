import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload, SignJWT } from 'jose';
import type { AppConfig } from '../config/app-config.js';
import { devSecret } from './dev-secret.js';

export const DEV_TOKEN_ISSUER = 'gezin1plan-dev';
/** The service itself issues the tokens of integration clients (POST /oauth/token). */
export const CLIENT_TOKEN_ISSUER = 'gezin1plan';
const CLIENT_TOKEN_AUDIENCE = 'gezin1plan-integration';
export const CLIENT_TOKEN_TTL_SECONDS = 900;

/**
 * Who a valid token speaks for: a person (user or family member), or an integration client with the
 * time of the secret rotation its token was issued after (see PrincipalService.resolveClient).
 */
export type TokenSubject = ({ kind: 'person'; subject: string } | { kind: 'client'; clientId: string; issuedAfterRotation: number }) & {
  expiresAt: Date | null;
};

/**
 * A verified token is remembered this long (and never past its expiry), so that a client's next requests
 * with it skip the signature check (a WebCrypto job on the thread pool: docs/benchmarks.md, "Per-request
 * fixed cost"). Short, so that a signing key the identity provider withdraws stops working soon after jose's
 * own key cache lets go of it. Who the token speaks for is still read on every request (PrincipalService).
 */
const REMEMBER_VERIFIED_MS = 60_000;
/** At most this many remembered tokens (the oldest forgotten first): a few MB. */
const MAX_REMEMBERED = 5_000;

/** Clocks of the identity provider and ours may differ this much (seconds). */
const CLOCK_TOLERANCE_SECONDS = 30;

/** A request's bearer token and, when it is valid, its subject. */
export interface BearerToken {
  token: string | undefined;
  subject: TokenSubject | null;
}

const expiryOf = (payload: JWTPayload) => (typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null);
// No tolerance on `exp`: an expired token is refused at once; the issue time may be a little ahead (assertLifetime).
const VERIFY_TIMES = { requiredClaims: ['exp'] };

/**
 * A person's token must say when it ends, not claim to be issued in the future, and not live longer than
 * `maxSeconds` (from its issue, or from now when it does not say): a stolen long-lived token is refused.
 */
function assertLifetime(payload: JWTPayload, maxSeconds: number): void {
  const now = Math.floor(Date.now() / 1000);
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
  if (issuedAt > now + CLOCK_TOLERANCE_SECONDS) throw new Error('issued in the future');
  if (payload.exp! - Math.min(issuedAt, now) > maxSeconds) throw new Error('lives longer than allowed');
}

/**
 * Verifies bearer tokens: OIDC (RS/ES keys from the provider's JWKS) or, in development, HS256; and
 * the short-lived HS256 tokens the service issues to integration clients, told apart by their issuer.
 */
export class TokenVerifier {
  private readonly verifyPerson: (token: string) => Promise<JWTPayload>;
  private readonly clientSecret: Uint8Array;
  /** Per request: the rate-limit guard and the auth guard both need the subject; it is verified once. */
  private readonly verified = new WeakMap<object, Promise<BearerToken>>();
  /** Tokens verified lately, by their whole text (signature included), with when to check them again. */
  private readonly remembered = new Map<string, { subject: TokenSubject; until: number }>();

  constructor(config: AppConfig) {
    const auth = config.auth;
    const maxSeconds = config.maxTokenHours * 3600;
    this.clientSecret = devSecret(config.clientTokenSecret, config.dataDir, 'client-token-secret');
    if (auth.mode === 'oidc') {
      const jwks = createRemoteJWKSet(new URL(auth.jwksUrl));
      this.verifyPerson = async (token) =>
        (await jwtVerify(token, jwks, { issuer: auth.issuer, audience: auth.audience, ...VERIFY_TIMES })).payload;
    } else {
      const secret = devSecret(auth.secret, config.dataDir);
      this.verifyPerson = async (token) =>
        (await jwtVerify(token, secret, { issuer: DEV_TOKEN_ISSUER, algorithms: ['HS256'], ...VERIFY_TIMES })).payload;
    }
    const verify = this.verifyPerson;
    this.verifyPerson = async (token) => {
      const payload = await verify(token);
      assertLifetime(payload, maxSeconds);
      return payload;
    };
  }

  /** The bearer token of `req` (Authorization header) and its verified subject, once per request. */
  bearerOf(req: { headers: { authorization?: string } }): Promise<BearerToken> {
    let bearer = this.verified.get(req);
    if (!bearer) {
      const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      bearer = token ? this.subjectOf(token).then((subject) => ({ token, subject })) : Promise.resolve({ token, subject: null });
      this.verified.set(req, bearer);
    }
    return bearer;
  }

  /** The token's subject, or null when the token is invalid, expired or has no subject. */
  async subjectOf(token: string): Promise<TokenSubject | null> {
    const now = Date.now();
    const known = this.remembered.get(token);
    if (known && now < known.until) return known.subject;
    this.remembered.delete(token);
    const subject = await this.verify(token);
    if (subject) {
      if (this.remembered.size >= MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
      this.remembered.set(token, { subject, until: Math.min(now + REMEMBER_VERIFIED_MS, subject.expiresAt!.getTime()) });
    }
    return subject;
  }

  private async verify(token: string): Promise<TokenSubject | null> {
    try {
      if (decodeJwt(token).iss === CLIENT_TOKEN_ISSUER) {
        const { payload } = await jwtVerify(token, this.clientSecret, {
          issuer: CLIENT_TOKEN_ISSUER,
          audience: CLIENT_TOKEN_AUDIENCE,
          algorithms: ['HS256'],
          ...VERIFY_TIMES,
        });
        if (typeof payload.client_id !== 'string' || typeof payload.rot !== 'number') return null;
        return { kind: 'client', clientId: payload.client_id, issuedAfterRotation: payload.rot, expiresAt: expiryOf(payload) };
      }
      const payload = await this.verifyPerson(token);
      return typeof payload.sub === 'string' && payload.sub.length > 0 ? { kind: 'person', subject: payload.sub, expiresAt: expiryOf(payload) } : null;
    } catch {
      return null;
    }
  }

  /**
   * A token for an integration client, valid CLIENT_TOKEN_TTL_SECONDS. `rot` is the time (ms) of the
   * client's last secret rotation: a rotation that keeps no previous secret ends the tokens issued before.
   */
  issueClientToken(clientId: string, scopes: string[], secretRotatedAt: Date | null): Promise<string> {
    return new SignJWT({ client_id: clientId, scope: scopes.join(' '), rot: secretRotatedAt?.getTime() ?? 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(CLIENT_TOKEN_ISSUER)
      .setAudience(CLIENT_TOKEN_AUDIENCE)
      .setSubject(`client:${clientId}`)
      .setIssuedAt()
      .setExpirationTime(`${CLIENT_TOKEN_TTL_SECONDS}s`)
      .sign(this.clientSecret);
  }
}
