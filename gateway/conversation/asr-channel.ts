/**
 * VoiceChannel on asr/: one recognition stream per session. The dialog's expectation (with the
 * right answer, for the grammar bias) goes to the stream; its results come back as VoiceResults.
 * The stream is reopened when the operator changes, so that operator's templates apply.
 */
import type { AsrEngine, AsrResult, AsrStream } from '../../asr/index.ts';
import type { Expectation } from '../../dialog-engine/index.ts';
import type { SessionContext } from '../device/session.ts';
import type { VoiceChannel, VoiceResult } from './voice.ts';

export function openAsrChannel(engine: AsrEngine, ctx: SessionContext, onResult: (r: VoiceResult) => void): VoiceChannel {
  let operatorId: number | null = ctx.operatorId;
  let expectation: Expectation | null = null;
  let stream: AsrStream | null = null;

  const open = (): AsrStream => {
    const s = engine.createStream({
      sessionId: ctx.sessionId, sampleRate: ctx.sampleRate, language: ctx.settings.language,
      ...(operatorId !== null ? { operatorId } : {}),
    });
    s.on('speechStart', () => onResult({ kind: 'speech' }));
    s.on('result', (r: AsrResult) => onResult(toVoice(r)));
    s.on('busy', (e) => {
      ctx.log.warn({ reason: e.reason, queueDepth: e.queueDepth }, 'recogniser busy');
      onResult({ kind: 'busy' });
    });
    s.on('error', (e) => ctx.log.error({ code: e.code, detail: e.message }, 'recognition stream error'));
    s.setExpectation(expectation);
    return s;
  };
  stream = open();

  return {
    expect(e) { expectation = e; stream?.setExpectation(e); },
    push(frame) { stream?.pushFrame(frame); },
    setOperator(id) {
      if (id === operatorId) return;
      operatorId = id;
      stream?.close();
      stream = open();
    },
    enrollNext(word, take, takes) {
      // Enrollment from device audio is not wired yet: asr/ enrolls from PCM takes via its API.
      ctx.log.warn({ word, take, takes }, 'voice enrollment from the device is not available yet');
    },
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
