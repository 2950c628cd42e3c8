import { int, num, str, oneOf, bool } from './define.ts';

/**
 * Settings of the dialog engine, its WMS connector and outbox (one doc line each). The names
 * match `DialogSettings` and `ConnectorConfig` of dialog-engine/, so the section is passed as is:
 * `createConnector(config.dialog)`, `DialogRuntime.load({ ..., settings: config.dialog })`.
 */
export const dialog = {
  startFlow: str('DIALOG_START_FLOW', 'main', 'Flow every new device session starts with'),
  defaultLanguage: oneOf('DIALOG_DEFAULT_LANGUAGE', 'en', ['en', 'ru'] as const, 'Prompt language before an operator signs on'),
  confidenceReject: num('DIALOG_CONFIDENCE_REJECT', 0.3, 'Recognition confidence below this is a no-match', 0, 1),
  confidenceAccept: num('DIALOG_CONFIDENCE_ACCEPT', 0.7, 'Below this (and above reject) the answer is confirmed: "did you say …?"', 0, 1),
  alertAfter: int('DIALOG_ALERT_AFTER', 3, 'No-inputs + no-matches at one prompt before the supervisor is alerted', 1, 100),
  pinAuthority: oneOf('PIN_AUTHORITY', 'wms', ['wms', 'local'] as const, 'Who checks PINs: the WMS (local argon2 copy when it is down) or only the local hash'),
  signonMaxFailures: int('SIGNON_MAX_FAILURES', 3, 'Wrong PINs in a row that lock an operator', 1, 100),
  signonLockMinutes: int('SIGNON_LOCK_MINUTES', 5, 'How long a locked operator cannot sign on', 1, 1440),
  wmsKind: oneOf('WMS_KIND', 'rest', ['rest', 'lut'] as const, 'WMS connector: REST/JSON or the LUT/ODR socket protocol'),
  wmsUrl: str('WMS_URL', 'http://127.0.0.1:8090', 'Base URL of the REST WMS (WMS_KIND=rest)'),
  wmsAuthHeader: str('WMS_AUTH_HEADER', '', 'Authorization header value sent to the REST WMS, e.g. "Bearer abc"; empty = none', true),
  wmsTimeoutMs: int('WMS_TIMEOUT_MS', 3000, 'Timeout of one WMS call (connect + reply)', 100, 120000),
  wmsLutAddress: str('WMS_LUT_ADDRESS', '127.0.0.1:8091', 'host:port of the LUT socket (WMS_KIND=lut)'),
  wmsOdrAddress: str('WMS_ODR_ADDRESS', '127.0.0.1:8092', 'host:port of the ODR socket (WMS_KIND=lut)'),
  wmsOdrAck: str('WMS_ODR_ACK', 'Y', 'The one-character confirmation the ODR host sends per record'),
  wmsTerminalId: str('WMS_TERMINAL_ID', 'voiceman', 'Terminal id sent in every LUT/ODR record'),
  outboxDispatch: bool('OUTBOX_DISPATCH', true, 'Deliver the WMS outbox from this process'),
  outboxPollMs: int('OUTBOX_POLL_MS', 1000, 'How often the outbox looks for due writes', 50, 600000),
  outboxBatch: int('OUTBOX_BATCH', 50, 'Most outbox writes claimed at once', 1, 1000),
  outboxBackoffBaseMs: int('OUTBOX_BACKOFF_BASE_MS', 500, 'First retry delay of a failed WMS write (doubles per attempt, with jitter)', 10, 600000),
  outboxBackoffMaxMs: int('OUTBOX_BACKOFF_MAX_MS', 60000, 'Longest retry delay of a failed WMS write', 100, 3600000),
  outboxLeaseMs: int('OUTBOX_LEASE_MS', 30000, 'How long a claimed write is reserved for one dispatcher', 1000, 600000),
  outboxFlushMs: int('OUTBOX_FLUSH_MS', 3000, "Before new work is handed out, how long to wait for the operator's earlier writes to reach the WMS", 0, 60000),
  outboxAlertAttempts: int('OUTBOX_ALERT_ATTEMPTS', 20, 'Failed attempts after which an undelivered write is logged as an error', 1, 100000),
};
