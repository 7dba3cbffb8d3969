import { Body, Controller, Header, Headers, HttpCode, HttpException, HttpStatus, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '../policy/policy.decorator.js';
import { clientIp, refuseHttpWhile, TokenEndpoint } from '../security/rate-limit.guard.js';
import { RateLimiter } from '../security/rate-limiter.js';
import { type ClientToken, IntegrationsService } from './integrations.service.js';

interface TokenRequest {
  grant_type?: unknown;
  client_id?: unknown;
  client_secret?: unknown;
}

/** OAuth 2.0 errors (RFC 6749 §5.2), with the status codes clients expect. */
const oauthError = (status: HttpStatus, error: string, description: string) =>
  new HttpException({ error, error_description: description }, status);

/** POST /oauth/token: the client-credentials grant, form-encoded or JSON, credentials in the body or HTTP Basic. */
@Controller('oauth')
export class OAuthController {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly limiter: RateLimiter,
  ) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Public()
  @TokenEndpoint()
  async token(@Req() req: Request, @Body() body: TokenRequest = {}, @Headers('authorization') authorization?: string): Promise<ClientToken> {
    if (body.grant_type !== 'client_credentials') {
      throw oauthError(HttpStatus.BAD_REQUEST, 'unsupported_grant_type', 'grant_type must be client_credentials');
    }
    const [clientId, clientSecret] = this.credentials(body, authorization);
    if (!clientId || !clientSecret) throw oauthError(HttpStatus.BAD_REQUEST, 'invalid_request', 'client_id and client_secret are required');
    // Failed logins count per address and client: enough of them block that client from that address, even
    // with the right secret (guessing stops), while other clients behind the same address go on.
    const attempt = `${clientIp(req)}|${clientId}`;
    refuseHttpWhile(req, await this.limiter.authBlockedFor(attempt));
    const token = await this.integrations.issueToken(clientId, clientSecret);
    if (!token) {
      await this.limiter.authFailure(attempt);
      throw oauthError(HttpStatus.UNAUTHORIZED, 'invalid_client', 'Unknown client or wrong secret');
    }
    return token;
  }

  private credentials(body: TokenRequest, authorization: string | undefined): [string?, string?] {
    const basic = /^Basic (.+)$/i.exec(authorization ?? '')?.[1];
    if (basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      try {
        if (colon > 0) return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
      } catch {
        throw oauthError(HttpStatus.BAD_REQUEST, 'invalid_request', 'The Basic credentials are not URL-encoded correctly');
      }
    }
    const text = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 500 ? v : undefined);
    return [text(body.client_id), text(body.client_secret)];
  }
}
