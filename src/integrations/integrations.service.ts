import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { CLIENT_TOKEN_TTL_SECONDS, TokenVerifier } from '../auth/token-verifier.js';
import { badInput, invalidTransition } from '../common/errors.js';
import { newId, UUID_PATTERN } from '../common/ids.js';
import { type Connection, paginate } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PolicyService } from '../policy/policy.service.js';
import { NonPublicAddressError, PublicAddresses } from '../security/public-address.js';
import { SecretBox } from '../security/secret-box.js';
import type {
  IntegrationClientsArgs,
  RegisterIntegrationClientInput,
  RegisteredIntegrationClient,
  RotateIntegrationClientSecretInput,
} from './dto/integration-client.inputs.js';
import { IntegrationClient } from './integration-client.entity.js';

const hashOf = (secret: string) => createHash('sha256').update(secret).digest();

export interface ClientToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

@Injectable()
export class IntegrationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly tokens: TokenVerifier,
    private readonly secrets: SecretBox,
    private readonly addresses: PublicAddresses,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Registers a partner system for an agency; the secret is random (256 bits) and returned once. */
  async register(caller: Caller, input: RegisterIntegrationClientInput): Promise<RegisteredIntegrationClient> {
    return this.tx.run(caller, async (em) => {
      const agency = await this.policy.authorize(em, caller.ability, 'read', 'Agency', input.agencyId);
      this.policy.assertCan(caller.ability, 'create', 'IntegrationClient', { agencyId: agency.id, networkId: agency.networkId });
      if (input.webhookUrl) this.checkWebhookUrl(input.webhookUrl);
      const { clientSecret, stored } = this.newSecret();
      const client = em.create(IntegrationClient, {
        id: newId(),
        agencyId: agency.id,
        name: input.name,
        scopes: input.scopes,
        webhookUrl: input.webhookUrl ?? null,
        ...stored,
        createdByUserId: caller.principal.userId!,
        createdAt: new Date(),
      });
      await em.insert(IntegrationClient, client);
      return { client, clientSecret };
    });
  }

  /** A random secret (256 bits), and what is kept of it: its hash (to check it) and a sealed copy (to sign webhooks). */
  private newSecret(): { clientSecret: string; stored: Pick<IntegrationClient, 'secretHash' | 'secretSealed'> } {
    const clientSecret = randomBytes(32).toString('base64url');
    return { clientSecret, stored: { secretHash: hashOf(clientSecret).toString('hex'), secretSealed: this.secrets.seal(clientSecret) } };
  }

  /**
   * Replaces the client's secret; the new one is shown once. The replaced one keeps working for
   * `keepPreviousHours` (at the token endpoint, and as a second webhook signature) so that the partner
   * can switch without missing an event; 0 ends it, and every token issued before, at once (a leaked
   * secret). A secret replaced by an
   * earlier rotation is dropped.
   */
  async rotateSecret(caller: Caller, input: RotateIntegrationClientSecretInput): Promise<RegisteredIntegrationClient> {
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'update', 'IntegrationClient', input.clientId, { lock: true });
      const client = await em.findOneByOrFail(IntegrationClient, { id: input.clientId });
      if (client.revokedAt) throw invalidTransition('IntegrationClient', 'REVOKED', 'rotate its secret');
      const { clientSecret, stored } = this.newSecret();
      const now = new Date();
      const keep = input.keepPreviousHours > 0;
      const changes = {
        ...stored,
        secretRotatedAt: now,
        previousSecretHash: keep ? client.secretHash : null,
        previousSecretSealed: keep ? client.secretSealed : null,
        previousSecretUntil: keep ? new Date(now.getTime() + input.keepPreviousHours * 3_600_000) : null,
        // A leaked secret: the tokens issued with it end now too.
        ...(keep ? {} : { tokensValidFrom: now }),
      };
      await em.update(IntegrationClient, { id: client.id }, changes);
      return { client: Object.assign(client, changes), clientSecret };
    });
  }

  /**
   * In production only https; and unless private addresses are allowed, not a literal address outside
   * the public internet (a hostname is checked each time it is resolved for a delivery).
   */
  private checkWebhookUrl(url: string): void {
    if (this.config.env === 'production' && !url.startsWith('https://')) throw badInput('webhookUrl', 'webhookUrl must be an https URL');
    try {
      this.addresses.assertAllowed(new URL(url).hostname);
    } catch (error) {
      if (error instanceof NonPublicAddressError) throw badInput('webhookUrl', `webhookUrl must be on the public internet: ${error.message}`);
      throw error;
    }
  }

  /** The agency's partner systems, revoked ones included, for its admin. */
  list(caller: Caller, args: IntegrationClientsArgs): Promise<Connection<IntegrationClient>> {
    const qb = this.db.manager.createQueryBuilder(IntegrationClient, 'ic').where('ic.agency_id = :agencyId', { agencyId: args.agencyId });
    return paginate(this.policy.scope(qb, caller.ability, 'read', 'IntegrationClient'), 'ic.id', args);
  }

  /**
   * Ends a client for good (a leaked secret, a system retired): its tokens stop working on the next
   * request and its pending webhooks are not sent. A new client is registered to replace it.
   */
  async revoke(caller: Caller, clientId: string): Promise<IntegrationClient> {
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'update', 'IntegrationClient', clientId, { lock: true });
      const client = await em.findOneByOrFail(IntegrationClient, { id: clientId });
      if (client.revokedAt) throw invalidTransition('IntegrationClient', 'REVOKED', 'revoke it again');
      client.revokedAt = new Date();
      await em.update(IntegrationClient, { id: client.id }, { revokedAt: client.revokedAt });
      return client;
    });
  }

  /**
   * The client-credentials grant: a short-lived token for a client in force whose secret matches.
   * Null for any mismatch, without telling which part was wrong. A high-entropy secret needs no slow
   * hash; the comparison is constant-time.
   */
  async issueToken(clientId: string, clientSecret: string): Promise<ClientToken | null> {
    if (!UUID_PATTERN.test(clientId)) return null;
    const client = await this.db.manager.findOneBy(IntegrationClient, { id: clientId });
    if (!client || client.revokedAt) return null;
    const given = hashOf(clientSecret);
    const matches = (hash: string | null) => hash !== null && timingSafeEqual(Buffer.from(hash, 'hex'), given);
    const previousInForce = client.previousSecretUntil !== null && client.previousSecretUntil > new Date();
    if (!matches(client.secretHash) && !(previousInForce && matches(client.previousSecretHash))) return null;
    return {
      access_token: await this.tokens.issueClientToken(client.id, client.scopes, client.secretRotatedAt),
      token_type: 'Bearer',
      expires_in: CLIENT_TOKEN_TTL_SECONDS,
      scope: client.scopes.join(' '),
    };
  }
}

/**
 * A client secret replaced by a rotation is refused once its grace period is over: then it is not kept
 * either. For the retention job (in its transaction), which has no Nest context in `npm run retention`.
 */
export async function forgetReplacedSecrets(em: EntityManager): Promise<void> {
  await em.query(`UPDATE integration_client SET previous_secret_hash = NULL, previous_secret_sealed = NULL, previous_secret_until = NULL
                   WHERE previous_secret_until <= now()`);
}
