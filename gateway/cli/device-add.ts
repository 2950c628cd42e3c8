/**
 * npm run device:add -- --site S --label L [--model M] [--json]
 * Creates a device and prints its one-time token (only the token's HMAC is stored).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../config/index.ts';
import { loadServerSecret } from '../secret.ts';
import { provisionDevice, ProvisionError } from '../device/provision.ts';
import { withDatabase, die } from './db.ts';

const HELP = `Usage: npm run device:add -- --site SITE --label LABEL [--model MODEL] [--create-site] [--json]

Creates a device at a site and prints its id and one-time token. The token is shown once;
only its HMAC is stored. Give the token to the device (QR code or deep link, see android-shell).

  --site SITE      site id (must exist unless --create-site)
  --label LABEL    unique label of the device at that site, e.g. "headset-07"
  --model MODEL    optional device model
  --create-site    create the site if it does not exist
  --json           print one JSON object {deviceId, token, siteId, label}
  -h, --help       this text`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({ options: {
      site: { type: 'string' }, label: { type: 'string' }, model: { type: 'string' },
      'create-site': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    } }).values;
  } catch (err) {
    die(`${(err as Error).message}\n\n${HELP}`, 2);
  }
  if (args.help) { process.stdout.write(`${HELP}\n`); return; }
  if (!args.site || !args.label) die(`--site and --label are required\n\n${HELP}`, 2);
  const cfg = loadConfig();
  const secret = cfg.core.serverSecret || (await loadServerSecret(path.resolve(cfg.core.dataDir)));
  const device = await withDatabase(cfg, async (pool) => {
    if (args['create-site']) {
      await pool.query('INSERT INTO sites (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING', [args.site]);
    }
    return provisionDevice(pool, secret, { siteId: args.site!, label: args.label!, model: args.model });
  });
  if (args.json) {
    process.stdout.write(`${JSON.stringify(device)}\n`);
  } else {
    process.stdout.write(`Device created at site ${device.siteId}: ${device.label}\n  deviceId: ${device.deviceId}\n  token:    ${device.token}\n(the token is shown only now)\n`);
  }
}

main().catch((err: unknown) => {
  if (err instanceof ProvisionError || err instanceof ConfigError) die(err.message);
  die((err as Error).stack ?? String(err));
});
