/**
 * What a device session runs: the dialog engine (with its WMS connector, or the in-process WMS
 * simulator) and speech recognition, or the echo. Built once per gateway; `close()` stops them.
 */
import { AsrEngine, TemplateError } from '../asr/index.ts';
import { DialogRuntime, createConnector, startWmsSim, type WmsSim } from '../dialog-engine/index.ts';
import { PgTemplateStore, outboxQueries, type Pool } from '../db/index.ts';
import type { Config } from './config/index.ts';
import type { Logger } from './logger.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { ConversationFactory } from './device/registry.ts';
import type { DeviceStore } from './device/store.ts';
import { createEchoConversation } from './device/echo.ts';
import { createDialogConversation } from './conversation/dialog.ts';
import { openAsrChannel } from './conversation/asr-channel.ts';
import { SiteSettings } from './site-settings.ts';
import { ApiError } from './errors.ts';
import type { VoiceTemplates } from './api/index.ts';

export interface Wiring {
  createConversation: ConversationFactory;
  wmsSim: WmsSim | null;
  asr: AsrEngine | null;
  /** The recogniser's operator templates for the console API (null without speech recognition). */
  voice: VoiceTemplates | null;
  close(): Promise<void>;
}

const FLOW_REFRESH_MS = 30_000;
const REFERENCE_SYNC_MS = 3600_000;

/**
 * Background work of the dialog side: published flow versions (from any node) picked up every
 * 30 s, the WMS reference data (locations, items, reason codes) synced per site at start and
 * hourly, and the outbox depth exported. Returns the stop function.
 */
function startDialogMaintenance(runtime: DialogRuntime, d: { pool: Pool; log: Logger; metrics: GatewayMetrics }): () => Promise<void> {
  let outbox = { pending: 0, oldestPendingS: 0 };
  d.metrics.gauge('voiceman_outbox_pending', 'WMS writes waiting for delivery', () => outbox.pending);
  d.metrics.gauge('voiceman_outbox_oldest_pending_seconds', 'Age of the oldest undelivered WMS write', () => outbox.oldestPendingS);
  const log = d.log.child({ component: 'dialog-maintenance' });
  const refresh = async (): Promise<void> => {
    await runtime.refreshFlows().catch((err: unknown) => log.warn({ err }, 'flow refresh failed'));
    await outboxQueries.outboxStats(d.pool).then(
      (s) => { outbox = { pending: s.pending, oldestPendingS: s.oldestPendingS ?? 0 }; },
      (err: unknown) => log.warn({ err }, 'outbox stats failed'));
  };
  const sync = async (): Promise<void> => {
    const { rows } = await d.pool.query<{ id: string }>('SELECT id FROM sites ORDER BY id').catch((err: unknown) => {
      log.warn({ err }, 'could not list sites for the reference data sync');
      return { rows: [] as { id: string }[] };
    });
    for (const { id } of rows) {
      await runtime.syncReferenceData(id).then(
        (r) => log.info({ siteId: id, ...r }, 'reference data synced from the WMS'),
        (err: unknown) => log.warn({ err, siteId: id }, 'reference data sync failed; will retry'));
    }
  };
  const t1 = setInterval(() => void refresh(), FLOW_REFRESH_MS);
  const t2 = setInterval(() => void sync(), REFERENCE_SYNC_MS);
  t1.unref(); t2.unref();
  void refresh();
  void sync();
  return async () => { clearInterval(t1); clearInterval(t2); };
}

/**
 * The engine's templates for the console API; audio the recogniser refuses is BAD_AUDIO. The list
 * is read from the database (what every gateway node stores), not from this node's cache.
 */
function voiceTemplates(engine: AsrEngine, store: PgTemplateStore): VoiceTemplates {
  return {
    enroll: async (operatorId, token, takes) => {
      try {
        return await engine.enroll(operatorId, token, [...takes]);
      } catch (err) {
        if (err instanceof TemplateError && err.code === 'ASR_BAD_ENROLLMENT') throw new ApiError('BAD_AUDIO', err.message, { reason: 'rejected' });
        throw err;
      }
    },
    tokens: async (operatorId) => (await store.summary(operatorId)).map((r) => r.token).sort(),
    remove: (operatorId, token) => engine.deleteTemplates(operatorId, token),
  };
}

export async function wireConversations(cfg: Config, d: { pool: Pool; log: Logger; metrics: GatewayMetrics; store: DeviceStore }): Promise<Wiring> {
  if (cfg.core.conversation === 'echo') {
    return { createConversation: (ctx) => createEchoConversation(ctx), wmsSim: null, asr: null, voice: null, close: async () => undefined };
  }
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const fn of closers.reverse()) await fn().catch((err: unknown) => d.log.error({ err }, 'shutdown step failed'));
  };
  try {
    let wmsSim: WmsSim | null = null;
    let connectorCfg = cfg.dialog;
    if (cfg.core.wmsSimulator === 'on') {
      wmsSim = await startWmsSim({ seed: 1, operators: 10, host: '127.0.0.1' });
      closers.push(() => wmsSim!.close());
      connectorCfg = { ...cfg.dialog, wmsKind: 'rest', wmsUrl: wmsSim.url };
      d.log.info({ url: wmsSim.url, lutPort: wmsSim.lutPort, odrPort: wmsSim.odrPort }, 'WMS simulator started (no WMS configured)');
    }
    const connector = createConnector(connectorCfg);
    const runtime = await DialogRuntime.load({ pool: d.pool, connector, logger: d.log.child({ component: 'dialog' }), settings: cfg.dialog });
    closers.push(() => runtime.close());
    closers.push(startDialogMaintenance(runtime, d));

    let asr: AsrEngine | null = null;
    const templateStore = new PgTemplateStore(d.pool);
    if (cfg.core.speech) {
      const a = cfg.asr;
      asr = await AsrEngine.load({
        ...(a.workers > 0 ? { workers: a.workers } : {}),
        decodersPerWorker: a.decodersPerWorker, maxQueue: a.maxQueue, maxStreams: a.maxStreams,
        vadMaxBatch: a.vadMaxBatch, maxVadLagMs: a.maxVadLagMs, si: a.speakerIndependent, topn: a.topn,
        grammar: {
          biasWeight: a.biasWeight, numberBiasWeight: a.numberBiasWeight, commandPrior: a.commandPrior, fillerWeight: a.fillerWeight, fixedEarlyEnd: a.fixedEarlyEnd,
          freeDigitsDecoder: { silprob: a.freeDigitsSilprob, pip: a.freeDigitsPip, wip: a.freeDigitsWip },
        },
        decide: {
          rejectThreshold: a.rejectThreshold, confirmThreshold: a.confirmThreshold,
          oogThreshold: a.oogThreshold, oogExpectedThreshold: a.oogExpectedThreshold, expectedMargin: a.expectedMargin, checkTemplateRatio: a.checkTemplateRatio, connectedMargin: a.connectedMargin, templatesFirstRatio: a.templatesFirstRatio, templateScaleLimit: a.templateScaleLimit,
        },
        loopPhones: a.loopPhones, sessionCmn: a.sessionCmn, comfortFromSpeech: a.comfortFromSpeech, sessionComfort: a.sessionComfort, pauseFlush: a.pauseFlush, oogDefer: a.oogDefer, oogDeferReady: a.oogDeferReady, shedLagMs: a.shedLagMs, loopFast: a.loopFast, templatesFirst: a.templatesFirst,
        templateCache: a.templateCache,
        templateStore,
        onError: (err) => d.log.error({ err }, 'speech recogniser failure'),
      });
      const engine = asr;
      closers.push(() => engine.close());
      const m = d.metrics;
      m.gauge('voiceman_asr_streams', 'Open recognition streams', () => engine.metrics().streams);
      m.gauge('voiceman_asr_queue_depth', 'Utterances waiting for a decoder', () => engine.metrics().queueDepth);
      m.gauge('voiceman_asr_decoders_busy', 'Decoders decoding now', () => engine.metrics().decodersBusy);
      m.gauge('voiceman_asr_vad_lag_ms', 'How far voice activity detection lags behind real time', () => engine.metrics().vadLagMs);
      m.gauge('voiceman_asr_vad_batches', 'Silero VAD runs since start', () => engine.metrics().vadBatches);
      m.gauge('voiceman_asr_vad_windows', 'Windows (32 ms of one stream) through Silero VAD since start; / voiceman_asr_vad_batches = windows per run', () => engine.metrics().vadWindows);
      m.gauge('voiceman_asr_busy_rejections', 'Utterances refused as busy since start', () => engine.metrics().busyRejections);
      m.gauge('voiceman_asr_result_p95_ms', 'End of speech to result, p95 of the last 200 (ms)', () => engine.metrics().resultMsP95);
      m.gauge('voiceman_asr_rtf', 'Decode CPU time / audio time of the last 200 utterances', () => engine.metrics().rtf);
      for (const pass of ['streamed', 'deferred', 'skipped'] as const) {
        m.gauge(`voiceman_asr_loop_${pass}`, `Utterances whose out-of-grammar phone loop was ${pass === 'skipped' ? 'not needed (the known answer won)' : pass === 'deferred' ? 'decoded at the end' : 'fed as audio came'}, since start`, () => engine.metrics().loopPasses[pass]);
      }
      m.gauge('voiceman_asr_loop_shed', 'Utterances whose phone loop waited for the known answer only because their recogniser thread was behind (ASR_SHED_LAG_MS), since start', () => engine.metrics().loopShed);
      for (const o of ['confirmed', 'fallback'] as const) {
        m.gauge(`voiceman_asr_templates_first_${o}`, `Templates-first check strings ${o === 'confirmed' ? 'confirmed by the templates alone' : 'handed to the decoder'} (ASR_TEMPLATES_FIRST), since start`, () => engine.metrics().templatesFirst[o]);
      }
      m.gauge('voiceman_asr_worker_lag_ms', "Longest wait of a message in a recogniser thread's inbox up to its latest result (ms)", () => engine.metrics().workerWaitMs);
    }
    const engine = asr;
    const deps = {
      runtime,
      openVoice: engine ? (ctx: Parameters<typeof openAsrChannel>[1], onResult: Parameters<typeof openAsrChannel>[2]) => openAsrChannel(engine, ctx, onResult) : null,
      noInputMs: cfg.core.noInputMs,
      setOperator: (sessionId: string, operatorId: number | null) => d.store.setOperator(sessionId, operatorId),
      siteSettings: new SiteSettings(d.pool, d.log.child({ component: 'site-settings' })),
    };
    return {
      createConversation: (ctx, restored) => createDialogConversation(deps, ctx, restored),
      wmsSim, asr, voice: engine ? voiceTemplates(engine, templateStore) : null, close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
