import { int, str, optStr, oneOf, bool } from './define.ts';

/** Process-wide settings: listening, storage, logging, session protocol limits. */
export const core = {
  port: int('PORT', 8080, 'HTTP/WebSocket port the gateway listens on (0 = any free port)', 0, 65535),
  host: str('HOST', '0.0.0.0', 'Address the gateway binds to'),
  databaseUrl: optStr('DATABASE_URL', 'PostgreSQL URL; unset = start an embedded PostgreSQL under DATA_DIR', true),
  dataDir: str('DATA_DIR', '.data', 'Folder for the embedded PostgreSQL cluster and the turn spool'),
  embeddedPgPort: int('EMBEDDED_PG_PORT', 54329, 'Port of the embedded PostgreSQL (only when DATABASE_URL is unset)', 1, 65535),
  redisUrl: optStr('REDIS_URL', 'Redis URL for sharing state between gateway nodes; unset = single node'),
  logLevel: oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'pino log level'),
  nodeId: str('NODE_ID', '', 'Name of this gateway node in sessions and logs (default: hostname:port)'),
  serverSecret: str('SERVER_SECRET', '', 'Secret for device-token HMACs; unset = generated once and kept in DATA_DIR/secret', true),
  helloTimeoutMs: int('HELLO_TIMEOUT_MS', 5000, 'A device must send a valid hello within this time', 100, 60000),
  resumeGraceMs: int('RESUME_GRACE_MS', 120000, 'How long a dropped session waits for its device to resume it', 0, 3600000),
  maxPayloadBytes: int('MAX_PAYLOAD_BYTES', 16384, 'Largest WebSocket message accepted from a device', 1024, 1048576),
  maxMessagesPerSecond: int('MAX_MESSAGES_PER_SECOND', 200, 'Per-connection message rate limit (audio is 50 frames/s)', 10, 10000),
  idleTimeoutS: int('IDLE_TIMEOUT_S', 30, 'WebSocket idle timeout; uWS pings before closing', 8, 960),
  maxBackpressureBytes: int('MAX_BACKPRESSURE_BYTES', 1048576, 'Send buffer above which a slow socket is closed', 65536, 67108864),
  turnBatchSize: int('TURN_BATCH_SIZE', 500, 'Most turns written in one batch', 1, 10000),
  turnFlushMs: int('TURN_FLUSH_MS', 50, 'Longest a logged turn waits before its batch is written', 1, 10000),
  turnQueueMax: int('TURN_QUEUE_MAX', 100000, 'Turns kept in memory before they go to the spool file', 100, 10000000),
  staticDir: str('STATIC_DIR', '', 'Extra folder of static files to serve (default: built console and thin client)'),
  conversation: oneOf('CONVERSATION', 'dialog', ['dialog', 'echo'] as const, 'What a device session runs: the dialog flows, or an echo (protocol testing)'),
  speech: bool('SPEECH', true, 'Recognise speech (asr/: VAD, decoders, templates); off = typed answers only'),
  noInputMs: int('NO_INPUT_MS', 20000, 'No answer this long after a prompt finished playing counts as a no-input (0 = never)', 0, 600000),
  wmsSimulator: oneOf('WMS_SIMULATOR', 'auto', ['auto', 'on', 'off'] as const, 'Run the WMS simulator in-process (auto: when neither WMS_URL nor WMS_LUT_ADDRESS is set)'),
  demo: bool('DEMO', true, 'With the WMS simulator: provision a demo device and print its URL and an operator\'s number and PIN'),
};
