/**
 * The dialog conversation: a device session running a business-process flow. Typed answers and
 * recognised utterances become dialog inputs; the dialog's outputs become protocol messages
 * (prompt, settings, bye) and turns. This is the seam between dialog-engine/ and asr/: the
 * dialog's expectation (with the right answer) goes to the recogniser; the device gets it
 * without the right answer.
 */
import type { DialogRuntime, DialogSession, DialogOutput, DialogInput, Expectation } from '../../dialog-engine/index.ts';
import type { Expect } from '../protocol/messages.ts';
import type { Conversation, SessionContext } from '../device/session.ts';
import type { VoiceChannel, VoiceResult } from './voice.ts';
import { sessionSettings, siteScope, toDialogConfidence, type SessionSiteSettings, type SiteSettings } from '../site-settings.ts';

/**
 * How long after the device's gate closed on speech the recogniser never heard the dialog waits
 * before it counts a no-input (and asks again): a late start of the recogniser clears it first.
 */
export const UNHEARD_SPEECH_MS = 2000;

export interface DialogConversationDeps {
  runtime: DialogRuntime;
  /** Opens the session's recogniser stream; null = no speech recognition (typed answers only). */
  openVoice: ((ctx: SessionContext, onResult: (r: VoiceResult) => void) => VoiceChannel) | null;
  /** No answer this long after a prompt finished playing → a no-input (0 = never). */
  noInputMs: number;
  /** Records the operator of a session once signed on. */
  setOperator(sessionId: string, operatorId: number | null): void;
  /** The site's process settings (endpointing, no-input, confidence thresholds), changeable at run time. */
  siteSettings: SiteSettings;
}

interface Persisted { dialog: unknown }

/** Removes the right answer before the expectation goes to the device. */
export function forDevice(e: Expectation | null): Expect | null {
  if (!e) return null;
  if (e.kind === 'digits') return { kind: 'digits', length: e.length, commands: e.commands };
  if (e.kind === 'number') return { kind: 'number', min: e.min, max: e.max, commands: e.commands };
  // The roster stays on the server: the keypad takes any number of the allowed length.
  if (e.kind === 'freeDigits') return { kind: 'freeDigits', minLength: e.minLength, maxLength: e.maxLength, commands: e.commands };
  return e;
}

export function createDialogConversation(deps: DialogConversationDeps, ctx: SessionContext, restored: unknown): Conversation {
  let dialog: DialogSession | null = null;
  let voice: VoiceChannel | null = null;
  let expectation: Expectation | null = null;
  let noInputTimer: NodeJS.Timeout | null = null;
  let closed = false;
  let siteVersion = -1;
  let site: SessionSiteSettings = { endpoint: {} };
  /** The same values as flows see them (`site.<group>.<name>`). */
  let flowSite: ReturnType<typeof siteScope> = {};
  let noInputMs = deps.noInputMs;
  const bands = { reject: deps.runtime.settings.confidenceReject, accept: deps.runtime.settings.confidenceAccept };

  /** Picks up changed site settings (cached; re-read every few seconds). */
  async function refreshSite(): Promise<void> {
    const { values, version } = await deps.siteSettings.get(ctx.siteId);
    if (version === siteVersion) return;
    siteVersion = version;
    site = sessionSettings(values);
    flowSite = siteScope(values);
    dialog?.setSite(flowSite);
    noInputMs = site.noInputMs ?? deps.noInputMs;
    voice?.setEndpoint(site.endpoint);
  }
  const resumeState = (restored as Persisted | null)?.dialog;

  /** The recogniser heard speech since the device's gate last opened (`speech_start`). */
  let heardSinceGate = true;
  /** The pending no-input is the short one of speech nobody heard (a queued `tts_finished` keeps it). */
  let unheardPending = false;
  const clearNoInput = (): void => { unheardPending = false; if (noInputTimer) { clearTimeout(noInputTimer); noInputTimer = null; } };
  const armNoInput = (ms = noInputMs): void => {
    clearNoInput();
    if (noInputMs <= 0 || closed || !expectation) return;
    noInputTimer = setTimeout(() => {
      noInputTimer = null;
      ctx.enqueue('noinput', () => feed({ type: 'noinput' }));
    }, ms);
    noInputTimer.unref();
  };

  /** Callers refresh the site's settings first (before the dialog step that produced `outputs`). */
  async function apply(outputs: DialogOutput[]): Promise<void> {
    for (const o of outputs) {
      switch (o.type) {
        case 'prompt':
          expectation = o.expect;
          ctx.send({ type: 'prompt', text: o.text, language: o.language, bargeIn: o.bargeIn && site.bargeIn !== false, expect: forDevice(o.expect), node: o.node });
          ctx.logTurn('prompt', { text: o.text, flowNode: o.node });
          voice?.expect(o.expect);
          armNoInput();
          break;
        case 'settings': {
          const s = { ...(o.ttsRate !== undefined ? { ttsRate: o.ttsRate } : {}), ...(o.ttsVolume !== undefined ? { ttsVolume: o.ttsVolume } : {}) };
          ctx.settings = { ...ctx.settings, ...s };
          ctx.send({ type: 'settings', settings: s });
          break;
        }
        case 'operator':
          ctx.operatorId = o.operatorId;
          deps.setOperator(ctx.sessionId, o.operatorId);
          voice?.setOperator(o.operatorId);
          if (o.language && o.language !== ctx.settings.language) {
            ctx.settings = { ...ctx.settings, language: o.language };
            ctx.send({ type: 'settings', settings: { language: o.language } });
          }
          ctx.log.info({ operatorId: o.operatorId }, o.operatorId === null ? 'operator signed off' : 'operator signed on');
          break;
        case 'voiceProfile':
          // The operator number is known, the PIN not yet: that operator's templates hear the PIN.
          voice?.setOperator(o.operatorId ?? ctx.operatorId);
          break;
        case 'alert':
          ctx.log.warn({ reason: o.reason, node: o.node }, 'dialog alert for the supervisor');
          ctx.logTurn('event', { text: `alert: ${o.reason}`, flowNode: o.node });
          break;
        case 'event':
          ctx.logTurn('event', { text: o.text, flowNode: o.node });
          break;
        case 'enroll':
          voice?.enrollNext(o.word, o.take, o.takes);
          break;
        case 'end':
          ctx.end(o.reason);
          break;
      }
    }
    ctx.saveState({ dialog: dialog?.state ?? null } satisfies Persisted);
  }

  async function feed(input: DialogInput, turn?: Parameters<DialogSession['handle']>[1]): Promise<void> {
    if (!dialog || closed) return;
    clearNoInput();
    await refreshSite();
    await apply(await dialog.handle(input, turn));
  }

  function onVoice(r: VoiceResult): void {
    if (closed) return;
    if (r.kind === 'speech') { heardSinceGate = true; clearNoInput(); return; }
    ctx.enqueue('utterance', async () => {
      if (r.kind === 'busy') {
        ctx.error('ASR_BUSY');
        ctx.logTurn('error', { text: 'asr busy' });
        await feed({ type: 'nomatch' });
        return;
      }
      if (r.kind === 'enrolled') {
        ctx.logTurn('event', { text: `enrolled ${r.word} take ${r.take}`, confidence: r.quality });
        await feed({ type: 'answer', text: 'ready', confidence: 1, source: 'voice' });
        return;
      }
      if (r.kind === 'nomatch') {
        const turn = ctx.logTurn('utterance', { text: null, hypothesis: r.hypothesis ?? null, confidence: r.confidence ?? null, latencyMs: r.latencyMs });
        await feed({ type: 'nomatch' }, { turn });
        return;
      }
      ctx.send({ type: 'recognized', text: r.text, confidence: r.confidence });
      const turn = ctx.logTurn('utterance', { text: r.text, hypothesis: r.hypothesis ?? r.text, confidence: r.confidence, latencyMs: r.latencyMs });
      const confidence = toDialogConfidence(r.confidence, site, bands);
      await feed({ type: 'answer', text: r.text, confidence, source: 'voice' }, { turn });
    });
  }

  return {
    async start(resumed) {
      if (!dialog) {
        await refreshSite();
        if (resumeState === undefined && site.defaultLanguage && site.defaultLanguage !== ctx.settings.language) {
          // A new session at a site with its own language: prompts and the device's voice follow it.
          ctx.settings = { ...ctx.settings, language: site.defaultLanguage };
          ctx.send({ type: 'settings', settings: { language: site.defaultLanguage } });
        }
        dialog = await deps.runtime.startSession({
          sessionId: ctx.sessionId, siteId: ctx.siteId, deviceId: ctx.deviceId, language: ctx.settings.language,
          ...(resumeState !== undefined ? { resumeState } : {}),
        });
        if (dialog.operatorId !== null) ctx.operatorId = dialog.operatorId;
        dialog.setSite(flowSite); // before its first step
        if (deps.openVoice) {
          voice = deps.openVoice(ctx, onVoice);
          voice.setOperator(ctx.operatorId);
        }
        await apply(await dialog.start());
      } else if (resumed) {
        // Same node, same dialog: the unacknowledged prompt is replayed by the session itself.
        armNoInput();
      }
    },
    async onText(text) {
      const turn = ctx.logTurn('text', { text, confidence: 1 });
      // the dialog normalises answers itself (normalizeAnswer)
      await feed({ type: 'answer', text, confidence: 1, source: 'text' }, { turn });
    },
    async onEvent(name, value) {
      ctx.logTurn('event', { text: value === undefined ? name : `${name}=${value}` });
      if (name === 'tts_finished' && !unheardPending) armNoInput();
      // speech_start / speech_end: onGate, in order with the audio (this runs later, queued)
      if (name === 'tts_started') clearNoInput();
    },
    onGate(open) {
      if (open) { heardSinceGate = false; clearNoInput(); return; }
      // The device's gate heard speech that the recogniser never did (too quiet for its VAD, or
      // no recogniser): without this the picker would wait for an answer that never comes.
      if (!heardSinceGate) { armNoInput(Math.min(noInputMs, UNHEARD_SPEECH_MS)); unheardPending = noInputTimer !== null; }
    },
    onAudio(frame) {
      voice?.push(frame);
    },
    async close() {
      closed = true;
      clearNoInput();
      voice?.close();
      voice = null;
    },
  };
}
