/**
 * The process settings a site may set from the console: each with a type, bounds, default and a
 * one-line doc. `process_settings` rows hold the overrides; the dialog engine and the recogniser
 * read them (falling back to these defaults). Unknown keys are refused (UNKNOWN_SETTING).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { DEFAULT_ENDPOINT } from '../../asr/index.ts';

export interface SettingDef { key: string; type: 'int' | 'number' | 'bool' | 'string'; default: unknown; doc: string; schema: TSchema; min?: number; max?: number; values?: string[] }

const int = (key: string, def: number, min: number, max: number, doc: string): SettingDef =>
  ({ key, type: 'int', default: def, doc, min, max, schema: Type.Integer({ minimum: min, maximum: max }) });
const num = (key: string, def: number, min: number, max: number, doc: string): SettingDef =>
  ({ key, type: 'number', default: def, doc, min, max, schema: Type.Number({ minimum: min, maximum: max }) });
const bool = (key: string, def: boolean, doc: string): SettingDef =>
  ({ key, type: 'bool', default: def, doc, schema: Type.Boolean() });
const oneOf = (key: string, def: string, values: string[], doc: string): SettingDef =>
  ({ key, type: 'string', default: def, doc, values, schema: Type.Union(values.map((v) => Type.Literal(v))) });

export const SETTINGS: readonly SettingDef[] = [
  num('asr.minConfidence', 0.5, 0, 1, 'Recognitions below this confidence count as a no-match'),
  num('asr.confirmBelowConfidence', 0.7, 0, 1, 'Below this confidence the answer is read back for confirmation'),
  int('asr.noInputTimeoutMs', 8000, 1000, 60000, 'Silence after a prompt before it is repeated (no-input)'),
  int('asr.maxSpeechMs', 8000, 1000, 30000, 'Longest utterance recognised; longer speech is cut'),
  int('asr.endSilenceMs', DEFAULT_ENDPOINT.trailingSilenceMs, 100, 3000, 'Silence that ends an utterance'),
  int('asr.earlyEndSilenceMs', DEFAULT_ENDPOINT.earlyEndSilenceMs, 100, 3000, 'Shorter silence that ends an utterance once what was heard is already a complete answer (check digits, "ready", a quantity that cannot go on)'),
  int('asr.knownEndSilenceMs', DEFAULT_ENDPOINT.knownEndSilenceMs, 100, 3000, 'Shorter still when what was heard is the answer the dialog knows to be right (the check digits, the quantity, "ready"); never longer than the early-end silence'),
  int('dialog.maxNoMatch', 2, 1, 10, 'The re-ask after this many no-matches in a row includes the help'),
  int('dialog.maxNoInput', 2, 1, 10, 'The re-ask after this many no-inputs in a row includes the help'),
  bool('dialog.bargeIn', true, 'The picker may answer while a prompt is still being spoken'),
  bool('dialog.confirmQuantity', true, 'Picked quantities are read back before they are confirmed'),
  oneOf('dialog.defaultLanguage', 'en', ['en', 'ru'], 'Prompt language for operators without one'),
  int('signon.operatorLength', 0, 0, 10, 'Digits of every operator number (0 = any length, 1 to 10); a fixed length keeps the recogniser from adding or dropping digits'),
  bool('signon.operatorRoster', false, "Spoken operator numbers are heard only as numbers of this site's active operators (a new operator is added by an admin first, or types the number)"),
  int('signon.pinLength', 0, 0, 8, 'Digits of every PIN (0 = any length, 4 to 8); a fixed length keeps the recogniser from adding or dropping digits'),
  bool('picking.shortPickReasonRequired', true, 'A short pick must be given a reason code'),
  int('picking.checkDigitsLength', 2, 2, 5, 'How many check digits a location has'),
];

export const SETTINGS_BY_KEY = new Map(SETTINGS.map((s) => [s.key, s]));
