/**
 * Per-site process settings (the `process_settings` rows admins edit in the console), read by
 * the running sessions: cached per site and re-read after TTL, so a change takes effect within
 * seconds without a restart. Only keys a site has set are returned; the engines' defaults apply
 * to the rest.
 */
import type { Pool } from '../db/index.ts';
import type { Logger } from './logger.ts';
import type { Json } from '../dialog-engine/index.ts';
import { SETTINGS } from './api/settings-catalogue.ts';

export type SiteValues = ReadonlyMap<string, unknown>;

interface Entry { values: SiteValues; version: number; loadedAt: number; loading: Promise<void> | null }

export class SiteSettings {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly pool: Pool, private readonly log: Logger, private readonly ttlMs = 5000) {}

  /** The site's values (cached); `version` changes when they do. */
  async get(siteId: string): Promise<{ values: SiteValues; version: number }> {
    let e = this.cache.get(siteId);
    if (!e) {
      e = { values: new Map(), version: 0, loadedAt: 0, loading: null };
      this.cache.set(siteId, e);
    }
    if (Date.now() - e.loadedAt > this.ttlMs) {
      e.loading ??= this.load(siteId, e).finally(() => { e!.loading = null; });
      // The first read waits; later ones use the cached values while a refresh runs.
      if (e.version === 0) await e.loading;
    }
    return { values: e.values, version: e.version };
  }

  private async load(siteId: string, e: Entry): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ key: string; value: unknown }>(
        'SELECT key, value FROM process_settings WHERE site_id = $1', [siteId]);
      const next = new Map(rows.map((r) => [r.key, r.value] as const));
      const changed = next.size !== e.values.size || [...next].some(([k, v]) => JSON.stringify(e.values.get(k)) !== JSON.stringify(v));
      if (changed || e.version === 0) { e.values = next; e.version++; }
    } catch (err) {
      this.log.warn({ err, siteId }, 'could not read site settings; keeping the previous values');
      if (e.version === 0) e.version = 1;
    }
    e.loadedAt = Date.now();
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * What flows see as `site`: every catalogued setting (the site's value, else the default), nested
 * by the dots of its key (`signon.pinLength` → `site.signon.pinLength`).
 */
export function siteScope(v: SiteValues): { [key: string]: Json } {
  const out: { [key: string]: { [key: string]: Json } } = {};
  for (const def of SETTINGS) {
    const [group, name] = def.key.split('.') as [string, string];
    const value = v.has(def.key) ? v.get(def.key) : def.default;
    (out[group] ??= {})[name] = value as Json;
  }
  return out;
}

/** The settings a device session applies, from a site's values (undefined: engine default). */
export interface SessionSiteSettings {
  endpoint: { trailingSilenceMs?: number; earlyEndSilenceMs?: number; knownEndSilenceMs?: number; maxUtteranceMs?: number };
  noInputMs?: number;
  minConfidence?: number;
  confirmBelowConfidence?: number;
  /** false: no prompt may be interrupted by speech at this site (a flow's own bargeIn is ANDed). */
  bargeIn?: boolean;
  /** Prompt language of a new session before an operator signs on. */
  defaultLanguage?: 'en' | 'ru';
}

export function sessionSettings(v: SiteValues): SessionSiteSettings {
  const endpoint: SessionSiteSettings['endpoint'] = {};
  const trailing = num(v.get('asr.endSilenceMs'));
  const maxSpeech = num(v.get('asr.maxSpeechMs'));
  const early = num(v.get('asr.earlyEndSilenceMs'));
  const known = num(v.get('asr.knownEndSilenceMs'));
  if (trailing !== undefined) endpoint.trailingSilenceMs = trailing;
  if (early !== undefined) endpoint.earlyEndSilenceMs = early;
  if (known !== undefined) endpoint.knownEndSilenceMs = known;
  if (maxSpeech !== undefined) endpoint.maxUtteranceMs = maxSpeech;
  const out: SessionSiteSettings = { endpoint };
  const noInput = num(v.get('asr.noInputTimeoutMs'));
  const minConf = num(v.get('asr.minConfidence'));
  const confirm = num(v.get('asr.confirmBelowConfidence'));
  if (noInput !== undefined) out.noInputMs = noInput;
  if (minConf !== undefined) out.minConfidence = minConf;
  if (confirm !== undefined) out.confirmBelowConfidence = confirm;
  const bargeIn = v.get('dialog.bargeIn');
  if (typeof bargeIn === 'boolean') out.bargeIn = bargeIn;
  const lang = v.get('dialog.defaultLanguage');
  if (lang === 'en' || lang === 'ru') out.defaultLanguage = lang;
  return out;
}

/**
 * Maps a recognition confidence onto the dialog's bands so that the site's thresholds decide:
 * below `minConfidence` → under the dialog's reject line; between → in its confirm band; above
 * `confirmBelowConfidence` → over its accept line. Monotone, and the identity when the site sets
 * nothing.
 */
export function toDialogConfidence(c: number, site: SessionSiteSettings, dialog: { reject: number; accept: number }): number {
  const lo = site.minConfidence;
  const hi = site.confirmBelowConfidence;
  if (lo !== undefined && c < lo) return Math.min(c, dialog.reject * 0.99);
  if (hi !== undefined && c >= hi) return Math.max(c, dialog.accept);
  if (hi !== undefined) {
    if (lo === undefined && c < dialog.reject) return c; // the dialog's own reject line applies
    return Math.min(Math.max(c, dialog.reject), dialog.accept * 0.999);
  }
  if (lo !== undefined) return Math.max(c, dialog.reject);
  return c;
}
