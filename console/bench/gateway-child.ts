/** The gateway for the console benchmark, in its own process: prints {"port": N} once listening; SIGTERM stops it. */
import { loadConfig } from '../../gateway/config/index.ts';
import { startGateway } from '../../gateway/app.ts';

const gw = await startGateway(loadConfig());
process.stdout.write(`${JSON.stringify({ msg: 'gateway listening', port: gw.port })}\n`);
process.once('SIGTERM', () => { gw.close().then(() => process.exit(0), (err: unknown) => { process.stderr.write(`${String(err)}\n`); process.exit(1); }); });
