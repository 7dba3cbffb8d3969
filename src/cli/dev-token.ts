import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { loadConfig } from '../config/app-config.js';
import { devSecret, devSecretSource } from '../auth/dev-secret.js';
import { DEV_TOKEN_ISSUER } from '../auth/token-verifier.js';

/** `npm run token -- <subject> [hours]`: a development token for the running service. */
const [subject, hours = '8'] = process.argv.slice(2);
if (!subject) {
  console.error('usage: npm run token -- <subject> [hours]');
  process.exit(2);
}
const config = loadConfig();
if (config.auth.mode !== 'dev') {
  console.error('AUTH_ISSUER is set: tokens come from the OIDC provider, not from this command.');
  process.exit(2);
}
if (!(Number(hours) > 0 && Number(hours) <= config.maxTokenHours)) {
  console.error(`hours must be more than 0 and at most ${config.maxTokenHours} (AUTH_MAX_TOKEN_HOURS): the service refuses longer-lived tokens.`);
  process.exit(2);
}
// A secret made now belongs to no service yet: the likely mistake is another DATA_DIR than the service's.
const madeNow = !config.auth.secret && !existsSync(join(config.dataDir, 'dev-secret'));
const token = await new SignJWT({})
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject(subject)
  .setIssuer(DEV_TOKEN_ISSUER)
  .setIssuedAt()
  .setExpirationTime(`${Number(hours)}h`)
  .sign(devSecret(config.auth.secret, config.dataDir));
console.log(token);
if (madeNow) {
  // On stderr (the token alone goes to stdout).
  console.error(
    `Made a new development secret (${devSecretSource(config.auth.secret, config.dataDir)}): only a service started with this DATA_DIR accepts the token`,
  );
}
