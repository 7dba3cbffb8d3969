import { SecretBox } from '../src/security/secret-box.js';

/** Client secrets sealed at rest: recoverable with the key, useless without it, tamper-evident. */
describe('SecretBox', () => {
  const key = new TextEncoder().encode('a-key-of-at-least-thirty-two-characters');
  const box = new SecretBox(key);

  it('opens what it sealed; the sealed text does not contain the secret', () => {
    const sealed = box.seal('s3cr3t-value');
    expect(sealed).not.toContain('s3cr3t-value');
    expect(box.open(sealed)).toBe('s3cr3t-value');
  });

  it('seals the same secret differently each time (random IV)', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses another key, an altered value and garbage', () => {
    const sealed = box.seal('s3cr3t-value');
    expect(() => new SecretBox(new TextEncoder().encode('another-key-of-thirty-two-characters!!')).open(sealed)).toThrow();
    const [version, iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => box.open([version, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => box.open('not-sealed')).toThrow(/Not a sealed secret/);
  });
});
