/** npm run db:migrate : applies pending migrations to DATABASE_URL and prints what it did. */
import { createPool } from '../pool.ts';
import { migrate, MigrationError } from '../migrate.ts';

const url = process.env.DATABASE_URL;
if (process.argv.includes('--help') || process.argv.includes('-h') || !url) {
  process.stdout.write('Usage: DATABASE_URL=postgres://... npm run db:migrate\n(npm start migrates by itself, embedded database included)\n');
  process.exit(url ? 0 : 2);
}
const pool = createPool({ connectionString: url, max: 1, applicationName: 'voiceman-migrate' });
try {
  const r = await migrate(pool);
  process.stdout.write(r.applied.length ? `applied migrations ${r.applied.join(', ')}; now at ${r.current}\n` : `already at ${r.current}; nothing to do\n`);
} catch (err) {
  process.stderr.write(`error: ${err instanceof MigrationError ? err.message : (err as Error).stack}\n`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
