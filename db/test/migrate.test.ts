import t from 'tap';
import { mkdtemp, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../testing.ts';
import { migrate, migrationsCurrent, loadMigrations, MIGRATIONS_DIR, MigrationError } from '../migrate.ts';

t.test('migrates from empty, re-run is a no-op, readiness reflects it', async (t) => {
  const db = await createTestDatabase({ migrate: false });
  t.teardown(() => db.drop());
  t.equal(await migrationsCurrent(db.pool), false, 'empty database is not current');
  const all = await loadMigrations();
  const first = await migrate(db.pool);
  t.same(first.applied, all.map((m) => m.version));
  const again = await migrate(db.pool);
  t.same(again.applied, [], 're-run applies nothing');
  t.equal(await migrationsCurrent(db.pool), true);
  const parts = await db.pool.query("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'dialog_turns'::regclass");
  t.ok(parts.rows[0].n >= 4, 'default + this month + two ahead');
});

t.test('concurrent migrators are serialised by the advisory lock', async (t) => {
  const db = await createTestDatabase({ migrate: false });
  t.teardown(() => db.drop());
  const [a, b] = await Promise.all([migrate(db.pool), migrate(db.pool)]);
  t.equal(a.applied.length + b.applied.length, (await loadMigrations()).length);
});

t.test('a gap in the files is an error', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vm-mig-'));
  await copyFile(path.join(MIGRATIONS_DIR, '001_core.sql'), path.join(dir, '001_core.sql'));
  await writeFile(path.join(dir, '003_later.sql'), 'SELECT 1;');
  await t.rejects(loadMigrations(dir), /not gap-free: expected version 2/);
});

t.test('a database newer than the code is an error', async (t) => {
  const db = await createTestDatabase();
  t.teardown(() => db.drop());
  await db.pool.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')");
  await t.rejects(migrate(db.pool), MigrationError);
  await t.rejects(migrate(db.pool), /upgrade the code/);
});
