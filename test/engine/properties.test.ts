/**
 * Random event sequences against the engine must keep its invariants: the timers the effects
 * leave alive are exactly the delayed events of the active states, the clock is paused exactly
 * when an active state says so, refusals change nothing, and no user makes a transition their
 * roles do not allow.
 */
import fc from 'fast-check';
import { transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { availableEvents, compileProcedure, isFinal, startCase, step, type Actor, type EngineSnapshot } from '../../src/engine/index.js';
import { pausedBy } from '../../src/engine/effects.js';
import { activeNamesOf } from '../../src/engine/model.js';
import { restore } from '../../src/engine/snapshot.js';
import { facts, loadFixture, now, system } from './fixtures.js';

const ROLES = ['receiver', 'processor', 'leader'];

for (const name of ['one-stop', 'parallel']) {
  const def = loadFixture(name);
  const compiled = compileProcedure(def);
  const events = [...new Set([...compiled.model.transitions.values()].map((t) => t.event))];
  const arbActor: fc.Arbitrary<Actor> = fc.oneof(
    { arbitrary: fc.constant(system), weight: 1 },
    { arbitrary: fc.subarray(ROLES, { minLength: 1 }).map((roles) => ({ id: 'u', roles })), weight: 4 },
  );
  const arbInput = fc.oneof(
    fc.constant(undefined),
    fc.record({ reason: fc.constantFrom('thiếu giấy tờ', '') }),
    fc.record({ note: fc.constant('ghi chú'), extra: fc.constant(1) }),
  );
  // Mostly an event the actor may send now, with a well-formed input; sometimes anything at all.
  const arbStep = fc.record({
    wild: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    type: fc.constantFrom(...events),
    pick: fc.nat(),
    actor: arbActor,
    input: arbInput,
    score: fc.integer({ min: 0, max: 10 }),
    checked: fc.boolean(),
  });
  const wellFormedInput = (schema: Record<string, unknown>, score: number): Record<string, unknown> => {
    const properties = (schema['properties'] ?? {}) as Record<string, { type?: string }>;
    return Object.fromEntries(Object.entries(properties).map(([field, p]) => [field, p.type === 'integer' ? score : 'văn bản']));
  };

  describe(`engine invariants (${name})`, () => {
    it('keeps timers, clock and roles consistent over random event sequences', () => {
      let accepted = 0;
      fc.assert(
        fc.property(fc.array(arbStep, { minLength: 5, maxLength: 40 }), (steps) => {
          const started = startCase(def, facts(), now);
          let snapshot: EngineSnapshot = started.snapshot;
          const timers = new Set<string>();
          let paused = false;
          const apply = (effects: typeof started.effects): void => {
            for (const e of effects) {
              if (e.kind === 'timer.set') {
                expect(timers.has(e.key)).toBe(false);
                timers.add(e.key);
              } else if (e.kind === 'timer.cancel') {
                expect(timers.delete(e.key)).toBe(true);
              } else if (e.kind === 'clock.pause') {
                expect(paused).toBe(false);
                paused = true;
              } else if (e.kind === 'clock.resume') {
                expect(paused).toBe(true);
                paused = false;
              }
            }
          };
          apply(started.effects);
          for (const s of steps) {
            const before = JSON.stringify(snapshot);
            const options = availableEvents(def, snapshot, s.actor);
            const chosen = options[s.pick % Math.max(1, options.length)];
            const event =
              s.wild || chosen === undefined
                ? { type: s.type, input: s.input }
                : { type: chosen.type, input: wellFormedInput(chosen.inputSchema, s.score) };
            const r = step(def, snapshot, event, s.actor, facts({ checked: s.checked }), now);
            expect(JSON.stringify(snapshot)).toBe(before);
            if (!r.ok) continue;
            accepted++;
            // The engine's cached inert scope must compute exactly what XState's own transition() does.
            const payload = { ...event, input: event.input ?? {}, facts: facts({ checked: s.checked }), actor: s.actor };
            const [reference, referenceActions] = transition(compiled.machine, restore(compiled, snapshot), payload);
            expect(r.snapshot).toEqual({ status: reference.status === 'done' ? 'done' : 'active', value: reference.value });
            const [, ownActions] = compiled.transition(restore(compiled, snapshot), payload);
            const summary = (actions: { type: string; params?: unknown }[]): string[] => actions.map((a) => `${a.type} ${JSON.stringify(a.params ?? null)}`);
            expect(summary(ownActions)).toEqual(summary(referenceActions));
            if (s.actor.system !== true) {
              expect(r.transition.roles.length).toBeGreaterThan(0);
              for (const role of r.transition.roles) expect(s.actor.roles).toContain(role);
            } else {
              expect(r.transition.roles).toEqual([]);
            }
            apply(r.effects);
            snapshot = JSON.parse(JSON.stringify(r.snapshot)) as EngineSnapshot;
            const active = isFinal(snapshot) ? new Set<string>() : activeNamesOf(snapshot.value);
            const expected = compiled.model.delayed.filter((d) => active.has(d.state)).map((d) => d.key);
            expect([...timers].sort()).toEqual(expected.sort());
            expect(paused).toBe(!isFinal(snapshot) && pausedBy(compiled, snapshot.value) !== null);
          }
        }),
        { numRuns: 300 },
      );
      // The property means little if random sequences rarely get past the first refusal.
      expect(accepted).toBeGreaterThan(600);
    });
  });
}
