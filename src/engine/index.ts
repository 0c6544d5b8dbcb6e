/**
 * The engine: pure. A validated procedure compiles to an XState machine (cached per version);
 * `step` moves a case's snapshot by one event and returns the effects the service applies.
 */
export { compileMachine, compileProcedure, type CompiledProcedure, type ProcedureMachine } from './compile.js';
export { step, startCase, availableEvents, statusCode } from './step.js';
export { activeStates, isFinal } from './snapshot.js';
export { toMermaid } from './diagram.js';
export type {
  Actor,
  AvailableEvent,
  Effect,
  EngineEventInput,
  EngineSnapshot,
  Facts,
  FieldError,
  StartResult,
  StateValue,
  StepErrorCode,
  StepOk,
  StepRefused,
  StepResult,
} from './types.js';
