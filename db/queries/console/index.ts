/** Queries of the console (users, sessions, audit, floor, history, admin). Imported by gateway/api and gateway/console-socket. */
export * from './users.ts';
export * from './throttle.ts';
export * from './audit.ts';
export * from './turns.ts';
export * from './admin.ts';
