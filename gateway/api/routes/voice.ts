/**
 * Operators' voice templates from the console: the enrolled words, enrolling (retraining) a word
 * from WAV takes, deleting a word or all of them. The recogniser stores them (`ApiDeps.voice`,
 * filled from asr/ by gateway/wiring.ts); a gateway without speech recognition answers
 * ASR_UNAVAILABLE. Words are the enrollment flow's ("seven", "ready", "say again"); the
 * recogniser's token for one comes from tokenOf, as when enrolling through the device.
 */
import { Type } from '@sinclair/typebox';
import { getOperator } from '../../../db/queries/console/index.ts';
import { tokenOf, wordOf } from '../../conversation/enroll-capture.ts';
import { ApiError } from '../../errors.ts';
import type { HandlerInput, Reply, Router } from '../../http/index.ts';
import { requireCsrf, requirePrincipal, requireRole, requireSite, type Principal } from '../auth.ts';
import { audited, type ApiDeps, type VoiceTemplates } from '../context.ts';
import { intParam, jsonBody } from '../validate.ts';
import { parseTakeWav, WavTakeError, type TakePcm } from '../wav.ts';

export const MAX_TAKES = 10;
const Takes = Type.Object({ takes: Type.Array(Type.String()) }, { additionalProperties: false });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Letters or digits of any script, words separated by one space, apostrophe or hyphen. */
const WORD = /^[\p{L}\p{N}]+(?:[ '-][\p{L}\p{N}]+)*$/u;

function voiceOf(deps: ApiDeps): VoiceTemplates {
  if (!deps.voice) throw new ApiError('ASR_UNAVAILABLE');
  return deps.voice;
}

/** The :word parameter (URL-decoded by the router) → the vocabulary word and the recogniser's token. */
function wordParam(raw: string | undefined): { word: string; token: string } {
  const w = (raw ?? '').trim().toLowerCase();
  if (w.length > 64 || !WORD.test(w)) {
    throw new ApiError('BAD_REQUEST', 'word must be 1-64 letters or digits, words separated by one space', { param: 'word' });
  }
  const token = tokenOf(w);
  return { word: wordOf(token), token };
}

async function operatorOf(deps: ApiDeps, siteId: string, raw: string | undefined): Promise<number> {
  const id = intParam(raw);
  if (!(await getOperator(deps.pool, siteId, id))) throw new ApiError('NOT_FOUND', 'no such operator');
  return id;
}

/** Base64 WAV files → PCM; every problem is BAD_AUDIO with `details.reason` (and `details.take`, from 0). */
export function decodeTakes(list: string[]): TakePcm[] {
  if (list.length < 1 || list.length > MAX_TAKES) {
    throw new ApiError('BAD_AUDIO', `send 1-${MAX_TAKES} takes, got ${list.length}`, { reason: 'count' });
  }
  return list.map((raw, i) => {
    const b64 = raw.replace(/\s+/g, ''); // line-wrapped base64 (the `base64` tool's) is fine
    if (b64.length === 0 || b64.length % 4 === 1 || !BASE64.test(b64)) {
      throw new ApiError('BAD_AUDIO', `take ${i + 1} is not base64`, { take: i, reason: 'base64' });
    }
    try {
      return parseTakeWav(Buffer.from(b64, 'base64'));
    } catch (err) {
      if (err instanceof WavTakeError) throw new ApiError('BAD_AUDIO', `take ${i + 1}: ${err.message}`, { take: i, reason: err.reason });
      throw err;
    }
  });
}

/**
 * Records a template change in the audit log (words before and after, never audio). The templates
 * live in the recogniser's store, which writes them on its own connection: the entry is written
 * right after the change, as for devices, and no connection is held while the recogniser works.
 */
async function audit(
  deps: ApiDeps, p: Principal, input: HandlerInput, action: string, siteId: string, id: number,
  before: string[], after: Record<string, unknown>, reply: Reply,
): Promise<Reply> {
  const words = (await voiceOf(deps).tokens(id)).map(wordOf);
  return audited(deps, p, input.req, { action, siteId, entity: 'operator', entityId: id }, async () => ({
    before: { words: before.map(wordOf) }, after: { ...after, words }, result: reply,
  }));
}

export function voiceRoutes(r: Router, deps: ApiDeps): void {
  r.get('/sites/:siteId/operators/:id/voice', async ({ req, params }) => {
    const p = await requirePrincipal(deps.pool, req);
    const siteId = requireSite(p, params.siteId);
    const voice = voiceOf(deps);
    const id = await operatorOf(deps, siteId, params.id);
    return { body: { words: (await voice.tokens(id)).map(wordOf) } };
  });

  r.put('/sites/:siteId/operators/:id/voice/:word', async (input) => {
    const p = await requirePrincipal(deps.pool, input.req);
    const siteId = requireSite(p, input.params.siteId);
    requireRole(p, 'supervisor');
    requireCsrf(p, input.req);
    const voice = voiceOf(deps);
    const { word, token } = wordParam(input.params.word);
    const id = await operatorOf(deps, siteId, input.params.id);
    const takes = decodeTakes(jsonBody(input, Takes).takes);
    const before = await voice.tokens(id);
    const stored = await voice.enroll(id, token, takes);
    const seconds = Math.round(takes.reduce((s, t) => s + t.pcm.length / t.sampleRate, 0) * 100) / 100;
    return audit(deps, p, input, 'operator.voice_enroll', siteId, id, before,
      { word, takes: stored.takes, seconds, version: stored.version },
      { body: { word, takes: stored.takes, version: stored.version } });
  }, { maxBodyBytes: Math.max(deps.cfg.maxBodyBytes, deps.cfg.maxVoiceBodyBytes) });

  const remove = async (input: HandlerInput, all: boolean): Promise<Reply> => {
    const p = await requirePrincipal(deps.pool, input.req);
    const siteId = requireSite(p, input.params.siteId);
    requireRole(p, 'supervisor');
    requireCsrf(p, input.req);
    const voice = voiceOf(deps);
    const w = all ? null : wordParam(input.params.word);
    const id = await operatorOf(deps, siteId, input.params.id);
    const before = await voice.tokens(id);
    await voice.remove(id, w?.token);
    return audit(deps, p, input, 'operator.voice_delete', siteId, id, before, w ? { word: w.word } : { all: true }, { status: 204 });
  };
  r.delete('/sites/:siteId/operators/:id/voice', (input) => remove(input, true));
  r.delete('/sites/:siteId/operators/:id/voice/:word', (input) => remove(input, false));
}
