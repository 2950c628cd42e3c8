/** npm run config -- --print : every setting with its current value (secrets masked) and doc. */
import { loadConfig, describeConfig, ConfigError } from '../config/index.ts';

const HELP = 'Usage: npm run config -- --print   (or --check: validate the environment and exit 0/1)';
const arg = process.argv[2];
try {
  if (arg === '--print') process.stdout.write(`${describeConfig(loadConfig())}\n`);
  else if (arg === '--check') { loadConfig(); process.stdout.write('configuration is valid\n'); }
  else process.stdout.write(`${HELP}\n\n${describeConfig()}\n`);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
