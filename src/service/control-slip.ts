/**
 * The control slip (phiếu kiểm soát quá trình giải quyết hồ sơ), derived from the transition
 * records: for each step, who handed the dossier over and who took the next action, when it
 * was entered and left, the step's internal budget, and whether it finished early, on time or
 * late. Nothing is stored twice: the slip is a view of the history.
 */
import type { WorkingCalendar } from '../calendar/index.js';
import { parseDuration } from '../calendar/duration.js';
import { vnDate } from '../clock/index.js';
import type { ProcedureDefinition, StateNode } from '../definitions/schema.js';
import type { CaseTransitionRow } from '../storage/index.js';

export type StepResult = 'early' | 'on_time' | 'late' | 'in_progress' | null;

export interface ControlSlipStep {
  step: number;
  states: string[];
  title: string | null;
  entered_at: string;
  handed_over_by: { id: string; role: string | null };
  left_at: string | null;
  received_by: { id: string; role: string | null } | null;
  budget: string | null;
  due_at: string | null;
  result: StepResult;
}

/** Records that do not move the dossier (deadline notes, apology) are not hand-overs. */
const NOT_A_STEP = new Set(['deadline.warning', 'deadline.missed', 'case.apology']);

function findState(states: Record<string, StateNode>, name: string, trail: StateNode[] = []): StateNode[] | undefined {
  for (const [key, node] of Object.entries(states)) {
    if (key === name) return [...trail, node];
    const inner = node.states ? findState(node.states, name, [...trail, node]) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

/** The step's budget: the state's own `target`, or the nearest ancestor's. */
function budgetOf(def: ProcedureDefinition, leaves: readonly string[]): { text: string; title: string | null } | null {
  for (const leaf of leaves) {
    const path = findState(def.states, leaf) ?? [];
    for (const node of [...path].reverse()) if (node.target) return { text: node.target, title: path[path.length - 1]?.title ?? null };
  }
  return null;
}

function titleOf(def: ProcedureDefinition, leaves: readonly string[]): string | null {
  const first = leaves[0];
  if (first === undefined) return null;
  const path = findState(def.states, first) ?? [];
  return path[path.length - 1]?.title ?? null;
}

/** Early: finished before the due day; on time: on the due day, by the due instant; late: after it. */
export function judgeStep(dueAt: Date, leftAt: Date | null, now: Date): StepResult {
  if (leftAt === null) return now > dueAt ? 'late' : 'in_progress';
  if (leftAt > dueAt) return 'late';
  return vnDate(leftAt) < vnDate(dueAt) ? 'early' : 'on_time';
}

/** Builds the slip from the history (oldest first). */
export function controlSlip(def: ProcedureDefinition, history: readonly CaseTransitionRow[], calendar: WorkingCalendar, now: Date): ControlSlipStep[] {
  const moves = history.filter((t) => !NOT_A_STEP.has(t.event) && (t.from_state === null || t.from_state !== t.to_state));
  const steps: ControlSlipStep[] = [];
  for (const [i, t] of moves.entries()) {
    const next = moves[i + 1];
    const states = JSON.parse(t.to_state) as string[];
    const budget = budgetOf(def, states);
    const entered = new Date(t.at);
    const left = next ? new Date(next.at) : null;
    let due: Date | null = null;
    if (budget) {
      const d = parseDuration(budget.text);
      if (d.ok) due = calendar.addDuration(entered, d.value);
    }
    steps.push({
      step: i + 1,
      states,
      title: titleOf(def, states),
      entered_at: t.at,
      handed_over_by: { id: t.actor_id, role: t.actor_role },
      left_at: next?.at ?? null,
      received_by: next ? { id: next.actor_id, role: next.actor_role } : null,
      budget: budget?.text ?? null,
      due_at: due?.toISOString() ?? null,
      result: due ? judgeStep(due, left, now) : null,
    });
  }
  return steps;
}
