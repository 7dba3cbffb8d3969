import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { AppConfig } from '../config/app-config.js';
import { devSecret } from './dev-secret.js';

export const DEV_TOKEN_ISSUER = 'gezin1plan-dev';

/** Verifies bearer tokens: OIDC (RS/ES keys from the provider's JWKS) or, in development, HS256. */
export class TokenVerifier {
  private readonly verify: (token: string) => Promise<JWTPayload>;

  constructor(config: AppConfig) {
    const auth = config.auth;
    if (auth.mode === 'oidc') {
      const jwks = createRemoteJWKSet(new URL(auth.jwksUrl));
      this.verify = async (token) =>
        (await jwtVerify(token, jwks, { issuer: auth.issuer, audience: auth.audience })).payload;
    } else {
      const secret = devSecret(auth.secret, config.dataDir);
      this.verify = async (token) =>
        (await jwtVerify(token, secret, { issuer: DEV_TOKEN_ISSUER, algorithms: ['HS256'] })).payload;
    }
  }

  /** The token's subject, or null when the token is invalid, expired or has no subject. */
  async subjectOf(token: string): Promise<string | null> {
    try {
      const payload = await this.verify(token);
      return typeof payload.sub === 'string' && payload.sub.length > 0 ? payload.sub : null;
    } catch {
      return null;
    }
  }
}
