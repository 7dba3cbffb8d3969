import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload, SignJWT } from 'jose';
import type { AppConfig } from '../config/app-config.js';
import { devSecret } from './dev-secret.js';

export const DEV_TOKEN_ISSUER = 'gezin1plan-dev';
/** The service itself issues the tokens of integration clients (POST /oauth/token). */
export const CLIENT_TOKEN_ISSUER = 'gezin1plan';
const CLIENT_TOKEN_AUDIENCE = 'gezin1plan-integration';
export const CLIENT_TOKEN_TTL_SECONDS = 900;

/** Who a valid token speaks for: a person (user or family member), or an integration client. */
export type TokenSubject = ({ kind: 'person'; subject: string } | { kind: 'client'; clientId: string }) & { expiresAt: Date | null };

/** A request's bearer token and, when it is valid, its subject. */
export interface BearerToken {
  token: string | undefined;
  subject: TokenSubject | null;
}

const expiryOf = (payload: JWTPayload) => (typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null);

/**
 * Verifies bearer tokens: OIDC (RS/ES keys from the provider's JWKS) or, in development, HS256; and
 * the short-lived HS256 tokens the service issues to integration clients, told apart by their issuer.
 */
export class TokenVerifier {
  private readonly verifyPerson: (token: string) => Promise<JWTPayload>;
  private readonly clientSecret: Uint8Array;
  /** Per request: the rate-limit guard and the auth guard both need the subject; it is verified once. */
  private readonly verified = new WeakMap<object, Promise<BearerToken>>();

  constructor(config: AppConfig) {
    const auth = config.auth;
    this.clientSecret = devSecret(config.clientTokenSecret, config.dataDir, 'client-token-secret');
    if (auth.mode === 'oidc') {
      const jwks = createRemoteJWKSet(new URL(auth.jwksUrl));
      this.verifyPerson = async (token) =>
        (await jwtVerify(token, jwks, { issuer: auth.issuer, audience: auth.audience })).payload;
    } else {
      const secret = devSecret(auth.secret, config.dataDir);
      this.verifyPerson = async (token) =>
        (await jwtVerify(token, secret, { issuer: DEV_TOKEN_ISSUER, algorithms: ['HS256'] })).payload;
    }
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
    try {
      if (decodeJwt(token).iss === CLIENT_TOKEN_ISSUER) {
        const { payload } = await jwtVerify(token, this.clientSecret, {
          issuer: CLIENT_TOKEN_ISSUER,
          audience: CLIENT_TOKEN_AUDIENCE,
          algorithms: ['HS256'],
        });
        return typeof payload.client_id === 'string' ? { kind: 'client', clientId: payload.client_id, expiresAt: expiryOf(payload) } : null;
      }
      const payload = await this.verifyPerson(token);
      return typeof payload.sub === 'string' && payload.sub.length > 0 ? { kind: 'person', subject: payload.sub, expiresAt: expiryOf(payload) } : null;
    } catch {
      return null;
    }
  }

  /** A token for an integration client, valid CLIENT_TOKEN_TTL_SECONDS. */
  issueClientToken(clientId: string, scopes: string[]): Promise<string> {
    return new SignJWT({ client_id: clientId, scope: scopes.join(' ') })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(CLIENT_TOKEN_ISSUER)
      .setAudience(CLIENT_TOKEN_AUDIENCE)
      .setSubject(`client:${clientId}`)
      .setIssuedAt()
      .setExpirationTime(`${CLIENT_TOKEN_TTL_SECONDS}s`)
      .sign(this.clientSecret);
  }
}
