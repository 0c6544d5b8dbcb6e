/**
 * `motcua simulate <id> <EVENT>… [--as role]`: opens a case in memory and replays events with
 * the real guards, printing each state entered and each event refused with its reason.
 * Nothing is stored. Exit 0 when every event was accepted, 1 when any was refused.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../clock/index.js';
import { compileDataSchema, type ProcedureDefinition } from '../../definitions/index.js';
import { formatDuration } from '../../calendar/duration.js';
import { availableEvents, startCase, step, type Actor, type Effect, type EngineSnapshot, type Facts } from '../../engine/index.js';
import { EXIT_USAGE, type CliCommand, type CliIO } from '../io.js';
import { selectProcedure } from './diagram.js';

const usage = `usage: motcua simulate <id> <EVENT[@role]> [field=value…] … [options]

  Replays events against a new case of the procedure, with its real roles, input checks and
  guards, and prints each state entered and each event refused with the reason.

  EVENT@role        send this event as an officer holding only this role (@system: as a timer)
  field=value       input of the preceding event (value read as JSON when it parses, else text),
                    e.g. REQUEST_SUPPLEMENT reason="thiếu tờ khai CT01"
  --as role         role for events without @role (default: an officer holding every role of
                    the procedure); timer events without @role are always sent by the system
  --data file.json  the dossier data the guards read (default: {})
  --case file.json  case facts the guards read as \`case\` (channel, flags; default: {})
  --version N       the version to simulate (default: the newest)
  --procedures dir  where procedures live (default: procedures)

  Exit status: 0 every event accepted, 1 an event was refused, 2 usage error.`;

interface PlannedEvent {
  type: string;
  role?: string;
  input?: Record<string, unknown>;
}

/** Positionals after the id: events with an optional @role, each followed by its field=value inputs. */
function planEvents(tokens: string[]): PlannedEvent[] | string {
  const events: PlannedEvent[] = [];
  for (const token of tokens) {
    const field = /^([a-z][a-z0-9_]*)=(.*)$/s.exec(token);
    if (field) {
      const last = events.at(-1);
      if (last === undefined) return `'${token}' must follow the event it belongs to`;
      let value: unknown = field[2];
      try {
        value = JSON.parse(field[2] ?? '');
      } catch {
        // Plain text (a reason, a note) is the common case; JSON only when it parses.
      }
      last.input = { ...last.input, [field[1] ?? '']: value };
      continue;
    }
    const event = /^([A-Z][A-Z0-9_]*)(?:@([a-z][a-z0-9_-]*))?$/.exec(token);
    if (!event) return `'${token}' is neither an EVENT[@role] nor a field=value input`;
    events.push({ type: event[1] ?? '', ...(event[2] !== undefined ? { role: event[2] } : {}) });
  }
  return events;
}

async function readObject(io: CliIO, option: string, file: string | undefined): Promise<Record<string, unknown> | string> {
  if (file === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(await readFile(resolve(io.cwd, file), 'utf8'));
  } catch (e) {
    return `--${option} ${file}: ${e instanceof SyntaxError ? `not JSON (${e.message})` : 'cannot read the file'}`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `--${option} ${file}: must hold a JSON object`;
  return value as Record<string, unknown>;
}

/**
 * Who sends a planned event: `@role` as written; otherwise a timer event (one only the system
 * may send here) goes as the system, and anything else as the --as role or, without it, as an
 * officer holding every role of the procedure.
 */
function actorFor(def: ProcedureDefinition, snapshot: EngineSnapshot, event: PlannedEvent, defaultRole: string | undefined): Actor {
  const system: Actor = { id: 'system', roles: [], system: true };
  const asRole = (role: string): Actor => (role === 'system' ? system : { id: `simulated-${role}`, roles: [role] });
  if (event.role !== undefined) return asRole(event.role);
  const everyone: Actor = { id: 'simulated-officer', roles: def.roles };
  const byOfficer = availableEvents(def, snapshot, everyone).some((e) => e.type === event.type);
  const bySystem = availableEvents(def, snapshot, system).some((e) => e.type === event.type);
  if (bySystem && !byOfficer) return system;
  return defaultRole !== undefined ? asRole(defaultRole) : everyone;
}

function describeEffect(e: Effect): string {
  switch (e.kind) {
    case 'timer.set':
      return `timer: ${e.event} after ${formatDuration(e.duration)} in ${e.state}`;
    case 'timer.cancel':
      return `timer cancelled: ${e.event} of ${e.state}`;
    case 'clock.pause':
      return `deadline clock paused (${e.state})`;
    case 'clock.resume':
      return `deadline clock resumed (${e.state})`;
    case 'clock.start':
      return 'deadline clock started';
    case 'case.closed':
      return `case closed: ${e.outcome ?? 'no outcome'}`;
  }
}

const statusText = (status: number | null): string => (status === null ? '' : ` [status ${status}]`);

export const command: CliCommand = {
  summary: 'replay events against a procedure with its real guards',
  usage,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
          as: { type: 'string' },
          data: { type: 'string' },
          case: { type: 'string' },
          version: { type: 'string' },
          procedures: { type: 'string' },
        },
      });
    } catch (e) {
      io.err(`motcua simulate: ${e instanceof Error ? e.message : String(e)}\n${usage}\n`);
      return EXIT_USAGE;
    }
    const [id, ...tokens] = parsed.positionals;
    const plan = planEvents(tokens);
    if (id === undefined || typeof plan === 'string' || plan.length === 0) {
      const why = id === undefined ? 'name a procedure' : typeof plan === 'string' ? plan : 'name at least one event';
      io.err(`motcua simulate: ${why}\n${usage}\n`);
      return EXIT_USAGE;
    }
    const data = await readObject(io, 'data', parsed.values.data);
    const kase = await readObject(io, 'case', parsed.values.case);
    if (typeof data === 'string' || typeof kase === 'string') {
      io.err(`motcua simulate: ${typeof data === 'string' ? data : String(kase)}\n`);
      return EXIT_USAGE;
    }
    const selected = await selectProcedure('simulate', io, id, parsed.values);
    if (!selected.ok) return selected.code;
    const def = selected.definition;
    const defaultRole = parsed.values.as;
    if (defaultRole !== undefined && defaultRole !== 'system' && !def.roles.includes(defaultRole)) {
      io.err(`motcua simulate: --as ${defaultRole}: the procedure's roles are ${def.roles.join(', ')} (or system)\n`);
      return EXIT_USAGE;
    }

    const facts: Facts = { data, case: kase };
    const dataErrors = compileDataSchema(def.data)(data);
    if (dataErrors.length > 0 && parsed.values.data !== undefined) {
      io.err(`warning: the data does not fit the procedure's schema: ${dataErrors.map((f) => `${f.path || '(data)'} ${f.message}`).join('; ')}\n`);
    }
    const now = systemClock.now();
    io.out(`${def.id} v${def.version}: ${def.title}\n`);
    const started = startCase(def, facts, now);
    io.out(`start → ${started.active.join(', ')}${statusText(started.status)}\n`);
    for (const e of started.effects) io.out(`    ${describeEffect(e)}\n`);

    let snapshot = started.snapshot;
    let refusals = 0;
    for (const planned of plan) {
      const actor = actorFor(def, snapshot, planned, defaultRole);
      const who = actor.system === true ? 'system' : actor.roles.join('|');
      const r = step(def, snapshot, { type: planned.type, input: planned.input }, actor, facts, now);
      if (!r.ok) {
        refusals++;
        io.out(`${planned.type} as ${who}: REFUSED (${r.code}) ${r.message}\n`);
        if (r.code !== 'eventNotAllowed') io.out(`    allowed now: ${r.allowed.join(', ') || 'none'}\n`);
        continue;
      }
      const moved = r.to.join(', ') !== r.from.join(', ') || r.effects.length > 0;
      io.out(`${planned.type} as ${r.transition.roles.join('|') || who}: ${moved ? `→ ${r.to.join(', ')}` : `recorded in ${r.to.join(', ')}`}${statusText(r.status)}\n`);
      for (const e of r.effects) io.out(`    ${describeEffect(e)}\n`);
      snapshot = r.snapshot;
    }
    io.out(refusals === 0 ? `all ${plan.length} events accepted\n` : `${refusals} of ${plan.length} events refused\n`);
    return refusals === 0 ? 0 : 1;
  },
};
