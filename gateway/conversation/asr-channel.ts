/**
 * VoiceChannel on asr/: one recognition stream per session. The dialog's expectation (with the
 * right answer, for the grammar bias) goes to the stream; its results come back as VoiceResults.
 * The stream is reopened when the operator changes, so that operator's templates apply.
 */
import { DEFAULT_ENDPOINT, type AsrEngine, type AsrResult, type AsrStream, type EndpointSettings } from '../../asr/index.ts';
import type { Expectation } from '../../dialog-engine/index.ts';
import type { SessionContext } from '../device/session.ts';
import type { VoiceChannel, VoiceResult } from './voice.ts';
import { EnrollCapture, tokenOf } from './enroll-capture.ts';

export function openAsrChannel(engine: AsrEngine, ctx: SessionContext, onResult: (r: VoiceResult) => void): VoiceChannel {
  let operatorId: number | null = ctx.operatorId;
  let expectation: Expectation | null = null;
  let stream: AsrStream | null = null;
  let endpoint: EndpointSettings = { ...DEFAULT_ENDPOINT };
  const capture = new EnrollCapture(ctx.sampleRate);

  const open = (): AsrStream => {
    const s = engine.createStream({
      sessionId: ctx.sessionId, sampleRate: ctx.sampleRate, language: ctx.settings.language,
      ...(operatorId !== null ? { operatorId } : {}),
    });
    s.on('speechStart', () => { capture.speechStarted(); onResult({ kind: 'speech' }); });
    s.on('result', (r: AsrResult) => {
      if (ctx.log.isLevelEnabled('debug')) {
        const t = r.timing;
        ctx.log.debug({
          status: r.status, text: r.status === 'match' ? r.text : r.hypothesis, ...(r.status === 'nomatch' ? { reason: r.reason } : {}), confidence: r.confidence, endedBy: t.endedBy,
          speechMs: Math.round(t.speechEndMs - t.speechStartMs), resultMs: Math.round(t.resultMs), finalMs: t.finalMs === undefined ? undefined : Math.round(t.finalMs),
        }, 'recognition result');
      }
      if (capture.active) { void takeDone(r); return; }
      onResult(toVoice(r));
    });
    s.on('busy', (e) => {
      ctx.log.warn({ reason: e.reason, queueDepth: e.queueDepth }, 'recogniser busy');
      onResult({ kind: 'busy' });
    });
    s.on('error', (e) => ctx.log.error({ code: e.code, detail: e.message }, 'recognition stream error'));
    s.setExpectation(expectation);
    s.setEndpoint(endpoint);
    return s;
  };
  stream = open();

  /** An enrollment take ended: keep its audio; on the word's last take, store the templates. */
  async function takeDone(r: AsrResult): Promise<void> {
    const { word, takeNo, takes } = capture;
    const pcm = capture.finish(Math.max(0, r.timing.speechEndMs - r.timing.speechStartMs));
    if (!word || !pcm) return;
    if (operatorId === null) {
      ctx.log.warn({ word }, 'enrollment without a signed-on operator: take dropped');
      onResult({ kind: 'nomatch', latencyMs: 0 });
      return;
    }
    let quality = 1;
    if (takeNo >= takes) {
      try {
        await engine.enroll(operatorId, tokenOf(word), capture.collected.map((p) => ({ pcm: p, sampleRate: ctx.sampleRate })));
        capture.done();
      } catch (err) {
        // The dialog asks for the last take again (no-match); the capture stays armed for it.
        capture.collected.pop();
        ctx.log.warn({ err, word }, 'enrollment of a word failed; the operator says it again');
        quality = 0;
      }
    }
    onResult(quality > 0 ? { kind: 'enrolled', word, take: takeNo, quality } : { kind: 'nomatch', latencyMs: 0 });
  }

  return {
    expect(e) { expectation = e; stream?.setExpectation(e); },
    setEndpoint(e) { endpoint = { ...DEFAULT_ENDPOINT, ...e }; stream?.setEndpoint(endpoint); },
    push(frame) { capture.push(frame); stream?.pushFrame(frame); },
    setOperator(id) {
      if (id === operatorId) return;
      operatorId = id;
      stream?.close();
      stream = open();
    },
    enrollNext(word, take, takes) { capture.arm(word, take, takes); },
    close() { stream?.close(); stream = null; },
  };
}

function toVoice(r: AsrResult): VoiceResult {
  if (r.status === 'match') {
    return { kind: 'match', text: r.text, confidence: r.confidence, hypothesis: r.words.join(' '), latencyMs: Math.round(r.timing.resultMs) };
  }
  return {
    kind: 'nomatch', confidence: r.confidence, latencyMs: Math.round(r.timing.resultMs),
    ...(r.hypothesis !== undefined ? { hypothesis: r.hypothesis } : {}),
  };
}
