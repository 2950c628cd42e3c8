/**
 * The one WMS connector interface (REST/JSON and LUT/ODR implement it) and its error type.
 * Every write carries an idempotency key; hosts must treat a repeated key as a no-op.
 */

export type WmsErrorCode =
  /** Connection refused / reset / closed: try again later. */
  | 'WMS_UNAVAILABLE'
  /** No reply within the timeout: try again later. */
  | 'WMS_TIMEOUT'
  /** The host's reply does not follow the protocol (bad JSON, wrong field count, bad value). */
  | 'WMS_BAD_REPLY'
  /** The host refused this request (business error, e.g. unknown line); retrying will not help. */
  | 'WMS_REJECTED'
  /** LUT error 98: critical, the operator must sign off. */
  | 'WMS_CRITICAL';

export class WmsError extends Error {
  constructor(readonly code: WmsErrorCode, message: string, readonly hostCode?: number) {
    super(message);
    this.name = 'WmsError';
  }
  /** Whether the outbox should try this write again. */
  get retryable(): boolean { return this.code === 'WMS_UNAVAILABLE' || this.code === 'WMS_TIMEOUT' || this.code === 'WMS_BAD_REPLY'; }
}

export interface OperatorInfo { externalId: string; name: string; language: 'en' | 'ru' }
export type ValidateResult =
  | { valid: true; operator: OperatorInfo }
  | { valid: false; reason: 'bad-pin' | 'unknown' | 'inactive' };

export interface AssignmentLine {
  id: string; locationId: string; aisle: string; slot: string; checkDigits: string;
  itemId: string; description: string; qty: number;
}
export interface Assignment {
  id: string;
  lines: AssignmentLine[];
  drop: { locationId: string; name: string; checkDigits: string };
  reasons: { code: string; description: string }[];
}
export interface ReferenceData {
  locations: { id: string; aisle: string; slot: string; checkDigits: string }[];
  items: { id: string; description: string; unit: string }[];
  reasonCodes: { code: string; description: string }[];
}

export interface ConfirmPick { idempotencyKey: string; operatorId: string; assignmentId: string; lineId: string; quantity: number }
export interface ReportShort extends ConfirmPick { expected: number; reasonCode: string }
export interface CompleteAssignment { idempotencyKey: string; operatorId: string; assignmentId: string }

/** A reply, with the host's warning (LUT 99) to speak before the operator goes on. */
export interface Reply<T> { value: T; warning?: string }

export interface WmsConnector {
  readonly kind: 'rest' | 'lut';
  validateOperator(siteId: string, operatorId: string, pin: string): Promise<Reply<ValidateResult>>;
  getNextAssignment(siteId: string, operatorId: string): Promise<Reply<Assignment | null>>;
  confirmPick(siteId: string, req: ConfirmPick): Promise<Reply<null>>;
  reportShort(siteId: string, req: ReportShort): Promise<Reply<null>>;
  completeAssignment(siteId: string, req: CompleteAssignment): Promise<Reply<null>>;
  getReferenceData(siteId: string): Promise<Reply<ReferenceData>>;
  close(): Promise<void>;
}

/** Settings of a connector: the same names as the `dialog` config section, so it can be passed as is. */
export interface ConnectorConfig {
  wmsKind: 'rest' | 'lut';
  /** REST base URL, e.g. http://127.0.0.1:8090 */
  wmsUrl: string;
  /** Value of the Authorization header (e.g. "Bearer abc"); empty = none. */
  wmsAuthHeader?: string;
  wmsTimeoutMs: number;
  /** LUT socket "host:port". */
  wmsLutAddress?: string;
  /** ODR socket "host:port". */
  wmsOdrAddress?: string;
  /** The byte the host sends to acknowledge one ODR record (one character, default "Y"). */
  wmsOdrAck?: string;
  /** Terminal id sent in LUT/ODR records. */
  wmsTerminalId?: string;
}
