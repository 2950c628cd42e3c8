/** Adds a console user directly (the tests' stand-in for `npm run user:add`). */
import type { Pool } from '../../db/index.ts';
import { insertUser, type Role } from '../../db/queries/console/index.ts';
import { hashPassword } from '../../gateway/api/index.ts';

export async function addUserTo(pool: Pool, name: string, role: Role, sites: string[], password: string): Promise<number> {
  return insertUser(pool, { name, displayName: name, passwordHash: await hashPassword(password), role, language: 'en', sites });
}
