/**
 * Public face of dialog-engine/: the pure interpreter, the flow format, the runtime (sessions,
 * WMS effects, outbox), the WMS connectors and the simulator. See README.md and docs/flows.md.
 */
export { step, initialState, type InitialOptions } from './step.ts';
export { validateFlow, flowJsonSchema, FlowSchema, FlowError, type FlowProblem } from './schema.ts';
export { evaluate, render, ExprError } from './expr.ts';
export { normalizeAnswer } from './phrases.ts';
export { isDialogState, DialogStateSchema } from './state.ts';
export { FlowRegistry, loadBuiltinFlows, BUILTIN_FLOWS_DIR } from './registry.ts';
export {
  DialogRuntime, DEFAULT_DIALOG_SETTINGS,
  type DialogSession, type DialogSettings, type RuntimeOptions, type SessionContext, type HandleOptions,
} from './runtime/runtime.ts';
export { createConnector } from './wms/connector.ts';
export {
  WmsError, type WmsErrorCode, type WmsConnector, type ConnectorConfig, type Assignment, type AssignmentLine,
  type ReferenceData, type ValidateResult, type OperatorInfo, type Reply,
} from './wms/types.ts';
export { startWmsSim, type WmsSim, type WmsSimOptions } from './wms-sim/index.ts';
export type {
  DialogInput, DialogOutput, DialogState, Expectation, Flow, FlowNode, Language, PromptOutput, StepInput,
  StepOptions, StepResult, GlobalCommand, WmsResultInput, Json,
} from './types.ts';
export { GLOBAL_COMMANDS } from './types.ts';
