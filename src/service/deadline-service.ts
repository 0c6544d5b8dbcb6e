/** Deadlines as officers meet them: the apology (once) and the control slip. */
import type { Actor } from '../auth/policy.js';
import { apologizeCommand, type ApologyInput, type ApologyRecord } from './apology.js';
import { caseHistory, visibleCase } from './case-queries.js';
import { controlSlip, type ControlSlipStep } from './control-slip.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { definitionOf } from './procedure-sync.js';

export interface DeadlineService {
  apologize(actor: Actor, caseId: string, body: ApologyInput, meta: RequestMeta): Promise<ApologyRecord>;
  controlSlip(actor: Actor, caseId: string): Promise<{ case_id: string; code: string; steps: ControlSlipStep[] }>;
}

export function createDeadlineService(deps: ServiceDeps): DeadlineService {
  return {
    apologize: (actor, caseId, body, meta) => deps.store.write((tx) => apologizeCommand(tx, deps, actor, caseId, body, meta)),
    async controlSlip(actor, caseId) {
      const { row, history } = await deps.store.read(async (tx) => {
        const found = await visibleCase(tx, actor, caseId);
        return { row: found, history: await caseHistory(tx, caseId) };
      });
      const def = await definitionOf(deps, row);
      return { case_id: row.id, code: row.code, steps: controlSlip(def, history, deps.calendars.forUnit(row.unit_id), deps.clock.now()) };
    },
  };
}
