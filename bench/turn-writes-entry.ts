/**
 * Which turn-write benchmark bench:gateway runs: db/'s own (db/bench/turns.ts) once it exists,
 * otherwise bench/turns-write.ts, built on db/'s TurnLogger and insertTurnOne.
 */
export { measureTurnWrites, type TurnWriteResult } from './turns-write.ts';
