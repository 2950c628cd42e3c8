/**
 * Device tokens: 32 random bytes (base64url), shown once. Only an HMAC-SHA256 of the token under
 * the server secret is stored — a token has full entropy, so a keyed hash is the right tool and a
 * stolen table is useless without the secret. Comparison is constant-time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'hmac-sha256:';

export function newDeviceToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashDeviceToken(secret: string, token: string): string {
  return PREFIX + createHmac('sha256', secret).update(token).digest('hex');
}

export function verifyDeviceToken(secret: string, token: string, stored: string): boolean {
  const expected = Buffer.from(hashDeviceToken(secret, token));
  const actual = Buffer.from(stored);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
