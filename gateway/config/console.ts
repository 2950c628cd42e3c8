import { int, bool, str } from './define.ts';

/** Settings of the supervisor/admin console: its HTTP API under /api/v1 and the /v1/console socket. */
export const console = {
  sessionTtlHours: int('CONSOLE_SESSION_TTL_HOURS', 12, 'Lifetime of a console sign-in (the cookie and its server-side session)', 1, 24 * 30),
  signinMaxFailures: int('CONSOLE_SIGNIN_MAX_FAILURES', 5, 'Failed sign-ins per user name or per address before sign-in is locked', 1, 1000),
  signinWindowS: int('CONSOLE_SIGNIN_WINDOW_S', 900, 'Window in which failed sign-ins are counted', 10, 86400),
  signinLockS: int('CONSOLE_SIGNIN_LOCK_S', 900, 'How long sign-in stays locked after too many failures', 1, 86400),
  trustProxy: bool('CONSOLE_TRUST_PROXY', false, 'Trust X-Forwarded-Proto/-For from a reverse proxy (Secure cookie, client address)'),
  maxBodyBytes: int('CONSOLE_MAX_BODY_BYTES', 65536, 'Largest JSON request body the API accepts', 1024, 10485760),
  maxVoiceBodyBytes: int('CONSOLE_MAX_VOICE_BODY_BYTES', 4194304, 'Largest body of PUT .../voice/:word (voice takes as base64 WAV; 10 takes of 3 s at 48 kHz need 3.7 MiB)', 65536, 67108864),
  historyPageMax: int('CONSOLE_HISTORY_PAGE_MAX', 200, 'Most rows one page of the dialog-history search returns', 10, 5000),
  catchupMax: int('CONSOLE_CATCHUP_MAX', 2000, 'Most missed turns replayed to a reconnecting browser before it must reload', 10, 100000),
  socketMaxBackpressureBytes: int('CONSOLE_SOCKET_MAX_BACKPRESSURE_BYTES', 1048576, 'Send buffer above which a slow console socket is closed', 65536, 67108864),
  qrServerUrl: str('CONSOLE_PUBLIC_URL', '', 'Public base URL put in device-provisioning QR codes (default: the URL the browser used)'),
};
