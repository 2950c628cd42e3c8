/**
 * npm run user:add -- --name N --site S [--site S2] [--admin | --role R] [--create-site] [--json]
 * Creates a console user. The password is read from stdin when piped (one line), else a random
 * one is generated and printed once. Used for the first admin of a fresh installation.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { loadConfig, ConfigError } from '../config/index.ts';
import { withDatabase, die } from '../cli/db.ts';
import { insertUser, findUserByName, ROLES, type Role } from '../../db/queries/console/index.ts';
import { hashPassword, newPassword } from './passwords.ts';

const HELP = `Usage: npm run user:add -- --name NAME --site SITE [--site SITE2 ...] [--admin | --role ROLE] [--display-name D] [--language en|ru] [--create-site] [--json]

Creates a console user scoped to the given sites. The password is read from stdin when stdin is
not a terminal (e.g. echo "$PW" | npm run user:add -- ...), otherwise a random one is generated
and printed once. Only an argon2id hash is stored.

  --name NAME          sign-in name (letters, digits, _ . @ -)
  --site SITE          a site the user may see (repeatable)
  --admin              role admin (same as --role admin)
  --role ROLE          admin, supervisor or viewer (default supervisor)
  --create-site        create the sites that do not exist yet
  --json               print {id, name, role, sites, password?}
  -h, --help           this text`;

async function readStdinLine(): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) { rl.close(); return line.trim() || null; }
  return null;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({ options: {
      name: { type: 'string' }, site: { type: 'string', multiple: true }, admin: { type: 'boolean' }, role: { type: 'string' },
      'display-name': { type: 'string' }, language: { type: 'string' }, 'create-site': { type: 'boolean' }, json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    } }).values;
  } catch (err) {
    die(`${(err as Error).message}\n\n${HELP}`, 2);
  }
  if (args.help) { process.stdout.write(`${HELP}\n`); return; }
  const role = (args.admin ? 'admin' : args.role ?? 'supervisor') as Role;
  if (!args.name || !args.site?.length) die(`--name and --site are required\n\n${HELP}`, 2);
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(args.name)) die('--name may hold only letters, digits and _ . @ - (at most 64)', 2);
  if (!ROLES.includes(role)) die(`--role must be one of ${ROLES.join(', ')}`, 2);
  const language = args.language ?? 'en';
  if (language !== 'en' && language !== 'ru') die('--language must be en or ru', 2);
  const piped = await readStdinLine();
  if (piped !== null && piped.length < 10) die('the password must have at least 10 characters', 2);
  const password = piped ?? newPassword();
  const cfg = loadConfig();
  const id = await withDatabase(cfg, async (pool) => {
    if (await findUserByName(pool, args.name!)) die(`a user named "${args.name}" already exists`);
    for (const site of args.site!) {
      if (args['create-site']) await pool.query('INSERT INTO sites (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING', [site]);
      const r = await pool.query('SELECT 1 FROM sites WHERE id = $1', [site]);
      if (!r.rowCount) die(`site "${site}" does not exist (add --create-site to create it)`);
    }
    return insertUser(pool, { name: args.name!, displayName: args['display-name'] ?? '', passwordHash: await hashPassword(password), role, language, sites: args.site! });
  });
  const out = { id, name: args.name, role, sites: args.site, ...(piped === null ? { password } : {}) };
  if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    process.stdout.write(`User ${args.name} (${role}) created for sites ${args.site.join(', ')}\n`);
    if (piped === null) process.stdout.write(`  password: ${password}\n(shown only now)\n`);
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) die(err.message);
  die((err as Error).stack ?? String(err));
});
