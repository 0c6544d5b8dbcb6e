/**
 * What must hold in the database after a crash (read from the SQLite file, or from PostgreSQL):
 * every acknowledged transition is there; every case is whole (its version = its number of
 * transitions = its last transition's seq, seqs 1…n without gaps, one audit entry per
 * transition with the same events); and the audit chain links from the first entry to the last.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chainHash, GENESIS_CHAIN, leafHashOfText } from '../../src/audit/index.js';
import type { Store } from '../../src/storage/index.js';
import type { Ack } from './load.js';

export interface CrashReport {
  cases: number;
  transitions: number;
  auditEntries: number;
  /** Every broken rule, in words; empty when the database is sound. */
  problems: string[];
}

/** The rows the checks need, read from either database. */
export interface CrashRows {
  cases: { id: string; version: number }[];
  transitions: { case_id: string; seq: number; event: string }[];
  /** Every audit entry, in seq order. */
  audit: { seq: number; case_id: string | null; event: string | null; bytes: string; leaf_hash: string; chain_hash: string }[];
}

/** Reads the rows from the SQLite file in `dataDir` (read-only, next to the running server). */
export function readSqliteRows(dataDir: string): CrashRows {
  const db = new Database(join(dataDir, 'motcua.db'), { readonly: true, fileMustExist: true });
  try {
    return {
      cases: db.prepare('select id, version from cases').all() as CrashRows['cases'],
      transitions: db.prepare('select case_id, seq, event from case_transitions order by case_id, seq').all() as CrashRows['transitions'],
      audit: db.prepare('select seq, case_id, event, bytes, leaf_hash, chain_hash from audit_entries order by seq').all() as CrashRows['audit'],
    };
  } finally {
    db.close();
  }
}

/** Reads the rows through a store (PostgreSQL: several processes may share the database). */
export async function readStoreRows(store: Store): Promise<CrashRows> {
  return store.read(async (tx) => ({
    cases: await tx.db.selectFrom('cases').select(['id', 'version']).execute(),
    transitions: await tx.db.selectFrom('case_transitions').select(['case_id', 'seq', 'event']).orderBy('case_id').orderBy('seq').execute(),
    audit: await tx.db.selectFrom('audit_entries').select(['seq', 'case_id', 'event', 'bytes', 'leaf_hash', 'chain_hash']).orderBy('seq').execute(),
  }));
}

/** Checks the rows against the acknowledged transitions. */
export function verifyAfterCrash(rows: CrashRows, acks: readonly Ack[]): CrashReport {
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 50) problems.push(text);
  };
  const seen = new Map(rows.transitions.map((t) => [`${t.case_id}\u0000${t.seq}`, t.event]));
  for (const a of acks) {
    const event = seen.get(`${a.caseId}\u0000${a.version}`);
    if (event === undefined) problem(`acknowledged ${a.event} of case ${a.caseId} (version ${a.version}) is missing`);
    else if (event !== a.event) problem(`case ${a.caseId} seq ${a.version} is ${event}, but ${a.event} was acknowledged`);
  }

  const transitionsByCase = new Map<string, { seq: number; event: string }[]>();
  for (const t of rows.transitions) {
    const list = transitionsByCase.get(t.case_id) ?? [];
    list.push(t);
    transitionsByCase.set(t.case_id, list);
  }
  const auditByCase = new Map<string, string[]>();
  for (const e of rows.audit) {
    if (e.case_id === null) continue;
    const list = auditByCase.get(e.case_id) ?? [];
    list.push(e.event ?? '');
    auditByCase.set(e.case_id, list);
  }
  for (const c of rows.cases) {
    const ts = transitionsByCase.get(c.id) ?? [];
    const seqs = ts.map((t) => t.seq);
    const expectedSeqs = Array.from({ length: c.version }, (_, i) => i + 1);
    if (ts.length !== c.version || seqs.join(',') !== expectedSeqs.join(',')) {
      problem(`case ${c.id} is half-written: version ${c.version}, transition seqs [${seqs.join(',')}]`);
    }
    const audit = auditByCase.get(c.id) ?? [];
    if (audit.join(',') !== ts.map((t) => t.event).join(',')) {
      problem(`case ${c.id}: audit events [${audit.join(',')}] differ from transitions [${ts.map((t) => t.event).join(',')}]`);
    }
    transitionsByCase.delete(c.id);
    auditByCase.delete(c.id);
  }
  for (const id of transitionsByCase.keys()) problem(`transitions of case ${id}, which does not exist`);
  for (const id of auditByCase.keys()) problem(`audit entries of case ${id}, which does not exist`);

  let prev: Buffer = GENESIS_CHAIN;
  let expectedSeq = 1;
  for (const e of rows.audit) {
    if (e.seq !== expectedSeq) problem(`audit seq ${e.seq} follows ${expectedSeq - 1}: a gap`);
    expectedSeq = e.seq + 1;
    const leaf = leafHashOfText(e.bytes);
    if (leaf.toString('hex') !== e.leaf_hash) problem(`audit entry ${e.seq}: leaf hash does not match its bytes`);
    const entryPrev = (JSON.parse(e.bytes) as { prev?: string }).prev;
    if (entryPrev !== prev.toString('hex')) problem(`audit entry ${e.seq}: prev does not name entry ${e.seq - 1}'s chain hash`);
    if (chainHash(prev, leaf).toString('hex') !== e.chain_hash) problem(`audit entry ${e.seq}: chain hash does not link`);
    prev = Buffer.from(e.chain_hash, 'hex');
  }
  return { cases: rows.cases.length, transitions: rows.transitions.length, auditEntries: rows.audit.length, problems };
}
