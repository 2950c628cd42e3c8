/**
 * Prometheus metrics (prom-client), one registry per gateway so tests can run several in one
 * process. Gauges that mirror other components' state are collected on scrape.
 */
import client from 'prom-client';

/** Why an audio frame is not processed (the `reason` label of voiceman_audio_frames_dropped_total). */
export const DROP_REASONS = ['before_welcome'] as const;

export class GatewayMetrics {
  readonly registry = new client.Registry();
  readonly sessions: client.Gauge;
  readonly connections: client.Gauge;
  readonly framesIn: client.Counter;
  /** Reasons: DROP_REASONS. */
  readonly framesDropped: client.Counter<'reason'>;
  readonly bytesIn: client.Counter;
  readonly messagesIn: client.Counter<'type'>;
  readonly messagesOut: client.Counter<'type'>;
  readonly deviceErrors: client.Counter<'code'>;
  readonly turnsQueued: client.Counter<'kind'>;
  readonly backpressureEvents: client.Counter;
  private readonly collectors: Array<() => void> = [];

  constructor(defaultLabels: Record<string, string> = {}) {
    const r = this.registry;
    r.setDefaultLabels(defaultLabels);
    // includes nodejs_eventloop_lag_seconds and its percentiles, RSS, CPU, GC
    client.collectDefaultMetrics({ register: r, eventLoopMonitoringPrecision: 10 });
    this.sessions = new client.Gauge({ name: 'voiceman_sessions', help: 'Device sessions (connected or waiting for resume)', registers: [r] });
    this.connections = new client.Gauge({ name: 'voiceman_device_connections', help: 'Open device WebSockets', registers: [r] });
    this.framesIn = new client.Counter({ name: 'voiceman_audio_frames_total', help: 'Audio frames received', registers: [r] });
    this.framesDropped = new client.Counter({ name: 'voiceman_audio_frames_dropped_total', help: 'Audio frames received but not processed, by reason', labelNames: ['reason'], registers: [r] });
    // Exported as 0 before the first drop, so a scraper (the bench's dropped_frames) reads "none", not "unknown".
    for (const reason of DROP_REASONS) this.framesDropped.inc({ reason }, 0);
    this.bytesIn = new client.Counter({ name: 'voiceman_audio_bytes_total', help: 'Audio bytes received', registers: [r] });
    this.messagesIn = new client.Counter({ name: 'voiceman_device_messages_in_total', help: 'JSON messages from devices', labelNames: ['type'], registers: [r] });
    this.messagesOut = new client.Counter({ name: 'voiceman_device_messages_out_total', help: 'JSON messages to devices', labelNames: ['type'], registers: [r] });
    this.deviceErrors = new client.Counter({ name: 'voiceman_device_errors_total', help: 'Errors sent to devices, by code', labelNames: ['code'], registers: [r] });
    this.turnsQueued = new client.Counter({ name: 'voiceman_turns_total', help: 'Dialog turns handed to the turn logger', labelNames: ['kind'], registers: [r] });
    this.backpressureEvents = new client.Counter({ name: 'voiceman_backpressure_total', help: 'Sends that found a device socket backed up', registers: [r] });
  }

  /** A gauge whose value is read from `read()` at scrape time (queue depths, lags). */
  gauge(name: string, help: string, read: () => number): void {
    new client.Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
  }

  async text(): Promise<string> { return this.registry.metrics(); }
  get contentType(): string { return this.registry.contentType; }
}
