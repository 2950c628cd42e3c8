/** Password and PIN hashing: argon2id (runs on libuv's thread pool, not the event loop). */
import { hash, verify } from '@node-rs/argon2';
import { randomInt, randomBytes } from 'node:crypto';

// algorithm 2 = Algorithm.Argon2id (a const enum, unusable under verbatimModuleSyntax); OWASP's minimum parameters
const OPTS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTS);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch (err) {
    // a malformed stored hash is a failed sign-in, never a crash; the caller logs the failure
    if (err instanceof Error) return false;
    throw err;
  }
}

/** A hash to verify against when the user does not exist, so timing does not reveal names. */
let dummy: Promise<string> | undefined;
export const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

export const newPin = (digits = 4): string => String(randomInt(0, 10 ** digits)).padStart(digits, '0');
export const newPassword = (): string => randomBytes(12).toString('base64url');
