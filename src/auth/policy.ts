/**
 * Who may do what, as pure functions. Officers see and act within their unit's subtree;
 * auditors read everything and change nothing; admins publish procedures and manage users.
 * Callers answer 404 (never 403) for cases outside the caller's reach, so existence never leaks.
 */

/** The built-in roles; officer roles are the ones procedures declare. */
export const SystemRoles = { admin: 'admin', auditor: 'auditor' } as const;

/** An authenticated caller. */
export interface Actor {
  id: string;
  name: string;
  unitId: string;
  /** Materialised path of the home unit, e.g. "/ha-tinh/thanh-sen/". */
  unitPath: string;
  roles: readonly string[];
}

/** The engine's own actor (timers, deadline warnings). */
export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'system', unitId: '', unitPath: '/', roles: ['system'] };

export function isAdmin(actor: Actor): boolean {
  return actor.roles.includes(SystemRoles.admin);
}

export function isAuditor(actor: Actor): boolean {
  return actor.roles.includes(SystemRoles.auditor);
}

/** Auditors and admins read every unit; officers their own subtree. */
export function readsEverything(actor: Actor): boolean {
  return isAuditor(actor) || isAdmin(actor) || actor.id === SYSTEM_ACTOR.id;
}

/** May the actor see a case held by the unit at `unitPath`? */
export function canSeeUnit(actor: Actor, unitPath: string): boolean {
  return readsEverything(actor) || unitPath.startsWith(actor.unitPath);
}

/** May the actor act on (change) cases at `unitPath`? Auditors never change anything. */
export function canActOnUnit(actor: Actor, unitPath: string): boolean {
  if (actor.id === SYSTEM_ACTOR.id) return true;
  if (isAuditor(actor) && !isAdmin(actor)) return false;
  return unitPath.startsWith(actor.unitPath);
}

/** The officer roles an actor holds that a transition allows. */
export function matchingRoles(actor: Actor, allowed: readonly string[] | undefined): string[] {
  if (!allowed) return [];
  return actor.roles.filter((r) => allowed.includes(r));
}

/** The path prefix that scopes a listing query for this actor (undefined = everything). */
export function visiblePathPrefix(actor: Actor): string | undefined {
  return readsEverything(actor) ? undefined : actor.unitPath;
}
