import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LONG_READ_THREADS, SLOW_COUNT } from '../support/event-loop.js';
import { describeEachMotcua, type MotcuaContext, type Who } from './cases-fixture.js';

const DAY = 24 * 60 * 60 * 1000;
const tamVangData = (parse(readFileSync('procedures/khai-bao-tam-vang.scenarios.yaml', 'utf8')) as { data: Record<string, unknown> }).data;

interface Listed {
  id: string;
  code: string;
  state: string;
  status_code: number;
  created_at: string;
  due_at: string | null;
  unit: { id: string };
  procedure: { id: string };
}

/** Walks every page of `query` as `who`; returns the items in the order served and the page sizes. */
async function walk(c: MotcuaContext, who: Who, query: string, limit: number): Promise<{ items: Listed[]; pages: number[] }> {
  const items: Listed[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const r = await c.call(who, 'GET', `/api/v1/cases?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...(r.body.items as Listed[]));
    pages.push(r.body.items.length);
    cursor = r.body.next_cursor;
    if (cursor === null) return { items, pages };
  }
  throw new Error('the cursor never ended');
}

const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

/** The ids (sorted) of the first 100 cases `query` lists for `who`. */
async function listIds(c: MotcuaContext, who: Who, query: string): Promise<string[]> {
  const r = await c.call(who, 'GET', `/api/v1/cases?limit=100&${query}`);
  expect(r.status, query).toBe(200);
  return ids(r.body.items as Listed[]).sort();
}

describeEachMotcua('case list', (ctx) => {
  // 30 dossiers at Thành Sen (several opened at the same instant, so the cursor must break ties),
  // 3 at Thạch Khê, one of another procedure; some accepted, some refused.
  const home: Listed[] = [];
  const away: Listed[] = [];
  let tamVang: Listed;
  let ready: Listed;
  const accepted = new Set<string>();
  const refused = new Set<string>();

  beforeAll(async () => {
    const c = ctx();
    for (let i = 0; i < 30; i++) {
      if (i % 4 === 0) c.clock.advance(60_000);
      const name = i % 5 === 0 ? `Lê Văn Cường ${i}` : `Phạm Thị Dung ${i}`;
      const opened = await c.open('receiver', { applicant: { name } });
      home.push(opened);
      if (i % 3 === 0) {
        expect((await c.send('receiver', opened.id, 'ACCEPT')).status).toBe(200);
        accepted.add(opened.id);
      } else if (i % 7 === 1) {
        expect((await c.send('receiver', opened.id, 'REJECT', { reason: 'Không thuộc thẩm quyền' })).status).toBe(200);
        refused.add(opened.id);
      }
    }
    ready = await c.open('officer');
    for (const [type, input] of [['ACCEPT'], ['PROPOSE', { cho_o_hop_phap: true }], ['APPROVE']] as const) {
      expect((await c.send('officer', ready.id, type, input)).status).toBe(200);
    }
    for (let i = 0; i < 3; i++) away.push(await c.open('other'));
    c.clock.advance(60_000);
    const r = await c.call('receiver', 'POST', '/api/v1/cases', { body: { procedure: 'khai-bao-tam-vang', applicant: { name: 'Đỗ Thị Lan' }, data: tamVangData } });
    expect(r.status).toBe(201);
    tamVang = r.body;
  });

  const homeIds = () => [...home.map((x) => x.id), ready.id, tamVang.id];

  it('lists only what the caller may see, newest first', async () => {
    const c = ctx();
    const r = await c.call('receiver', 'GET', '/api/v1/cases?limit=100');
    expect(r.status).toBe(200);
    const listed = r.body.items as Listed[];
    expect(ids(listed).sort()).toEqual(homeIds().sort());
    expect(listed.every((x) => x.unit.id === 'thanh-sen')).toBe(true);
    expect(listed[0]!.id).toBe(tamVang.id);
    for (let i = 1; i < listed.length; i++) expect(listed[i - 1]!.created_at >= listed[i]!.created_at).toBe(true);
    const theirs = await c.call('other', 'GET', '/api/v1/cases?limit=100');
    expect(ids(theirs.body.items).sort()).toEqual(ids(away).sort());
    const all = await c.call('auditor', 'GET', '/api/v1/cases?limit=100');
    expect(ids(all.body.items).sort()).toEqual([...homeIds(), ...ids(away)].sort());
  });

  it('filters by state, status, procedure, unit and q', async () => {
    const c = ctx();
    const list = (who: Who, q: string) => listIds(c, who, q);
    expect(await list('receiver', 'state=processing')).toEqual([...accepted].sort());
    expect(await list('receiver', 'status=4')).toEqual([...accepted].sort());
    expect(await list('receiver', 'state=refused')).toEqual([...refused].sort());
    expect(await list('receiver', 'status=3')).toEqual([...refused].sort());
    expect(await list('receiver', 'state=proc')).toEqual([]);
    expect(await list('receiver', 'state=result_ready')).toEqual([ready.id]);
    expect(await list('receiver', 'state=result%25ready')).toEqual([]);
    expect(await list('receiver', 'procedure=khai-bao-tam-vang')).toEqual([tamVang.id]);
    expect((await list('receiver', 'procedure=dang-ky-tam-tru')).length).toBe(31);
    expect(await list('receiver', 'procedure=dang-ky-tam-tru&state=processing&status=4')).toEqual([...accepted].sort());
    // Another commune's unit filters to nothing, exactly like a unit with no cases.
    expect(await list('receiver', 'unit=thach-khe')).toEqual([]);
    expect(await list('receiver', 'unit=dong-tien')).toEqual([]);
    expect(await list('receiver', 'unit=no-such-unit')).toEqual([]);
    expect(await list('province', 'unit=thach-khe')).toEqual(ids(away).sort());
    expect(await list('auditor', 'unit=thanh-sen')).toEqual(homeIds().sort());
    const target = home[17]!;
    expect(await list('receiver', `q=${encodeURIComponent(target.code)}`)).toEqual([target.id]);
    expect(await list('other', `q=${encodeURIComponent(target.code)}`)).toEqual([]);
    const cuong = home.filter((_, i) => i % 5 === 0).map((x) => x.id).sort();
    expect(await list('receiver', `q=${encodeURIComponent('Lê Văn Cường')}`)).toEqual(cuong);
    // The same filters over the whole province (read on the long-read connection on SQLite).
    expect(await list('auditor', `q=${encodeURIComponent('Lê Văn Cường')}`)).toEqual(cuong);
    expect(await list('province', 'state=processing')).toEqual([...accepted].sort());
    expect(await list('auditor', 'status=3&procedure=dang-ky-tam-tru')).toEqual([...refused].sort());
  });

  it('a unit above the caller\'s own lists the caller\'s cases; q matches wildcards literally and finds ID numbers', async () => {
    const c = ctx();
    const list = (who: Who, q: string) => listIds(c, who, q);
    expect(await list('receiver', 'unit=ha-tinh')).toEqual(homeIds().sort());
    expect(await list('other', 'unit=ha-tinh')).toEqual(ids(away).sort());
    expect(await list('receiver', 'unit=ha-tinh&procedure=khai-bao-tam-vang')).toEqual([tamVang.id]);
    for (const q of ['%', '_', '%25%25', 'Lê_Văn', 'L%']) expect(await list('receiver', `q=${encodeURIComponent(q)}`), q).toEqual([]);
    expect(await list('receiver', `q=${encodeURIComponent('Lê Văn Cường 1')}`)).toEqual(home.filter((_, i) => i === 10 || i === 15).map((x) => x.id).sort());
    // Typed without diacritics, or in capitals, as officers often do.
    const cuong = home.filter((_, i) => i % 5 === 0).map((x) => x.id).sort();
    expect(await list('receiver', 'q=le%20van%20cuong')).toEqual(cuong);
    expect(await list('receiver', `q=${encodeURIComponent('LÊ VĂN CƯỜNG')}`)).toEqual(cuong);
    expect(await list('receiver', `q=${encodeURIComponent('  le   van  cuong ')}`)).toEqual(cuong);
    expect(await list('auditor', 'q=do%20thi%20lan')).toEqual([tamVang.id]);

    // The citizen's ID number (so_dinh_danh), as the desk asks for it: every dossier of this citizen.
    const theirs = home.map((x) => x.id).concat(ready.id).sort();
    expect(await list('receiver', 'q=001090000001')).toEqual(theirs);
    expect(await list('other', 'q=001090000001')).toEqual(ids(away).sort());
    expect(await list('receiver', 'q=0010900')).toEqual([]);
  });

  it('answers a plain page while searches and long reports run; on SQLite a search waits on the long-read threads, not the serving thread', async () => {
    const c = ctx();
    const onThreads = c.m.store.capabilities.longReadsOnThreads;
    const q = `limit=100&q=${encodeURIComponent('Lê Văn Cường')}`;
    const cuong = home.filter((_, i) => i % 5 === 0).map((x) => x.id).sort();
    const finished: string[] = [];
    // Reports keep every long-read connection busy for a while.
    const busy = Array.from({ length: LONG_READ_THREADS }, () => c.m.store.readLong((tx) => SLOW_COUNT.execute(tx.db)).finally(() => finished.push('a long read')));
    const province = c.call('auditor', 'GET', `/api/v1/cases?${q}`).finally(() => finished.push('the province search'));
    const commune = c.call('receiver', 'GET', `/api/v1/cases?${q}`).finally(() => finished.push('the commune search'));
    // The newest page and a whole dossier code are index reads: answered meanwhile.
    const page = await c.call('receiver', 'GET', '/api/v1/cases?limit=5');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(5);
    const target = home[17]!;
    const byCode = await c.call('auditor', 'GET', `/api/v1/cases?q=${encodeURIComponent(target.code)}`);
    expect(ids(byCode.body.items as Listed[])).toEqual([target.id]);
    expect(finished).not.toContain('a long read');
    if (onThreads) expect(finished).toEqual([]);
    await Promise.all([...busy, province, commune]);
    expect(finished).toEqual(expect.arrayContaining(['the province search', 'the commune search']));
    // SQLite: each search queued behind a long read on a long-read thread. (PostgreSQL runs them
    // beside the long reads, on other connections of its pool.)
    if (onThreads) expect(finished[0]).toBe('a long read');
    for (const search of [province, commune]) {
      expect((await search).status).toBe(200);
      expect(ids((await search).body.items as Listed[]).sort()).toEqual(cuong);
    }
  });

  it('rejects a limit over 100, a bad status and a cursor it never gave out', async () => {
    const c = ctx();
    expect((await c.call('receiver', 'GET', '/api/v1/cases?limit=101')).status).toBe(400);
    expect((await c.call('receiver', 'GET', '/api/v1/cases?limit=0')).status).toBe(400);
    expect((await c.call('receiver', 'GET', '/api/v1/cases?limit=100')).status).toBe(200);
    expect((await c.call('receiver', 'GET', '/api/v1/cases?status=11')).status).toBe(400);
    const bad = await c.call('receiver', 'GET', '/api/v1/cases?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('badRequest');
    // A cursor continues the listing that gave it, never another sort or other filters.
    const byDue = (await c.call('receiver', 'GET', '/api/v1/cases?sort=due_at&limit=2')).body.next_cursor as string;
    const accepted = (await c.call('receiver', 'GET', '/api/v1/cases?state=processing&limit=2')).body.next_cursor as string;
    for (const [query, cursor] of [['', byDue], ['sort=newest&', byDue], ['', accepted], ['state=received&', accepted], ['sort=due_at&q=L%C3%AA&', byDue]] as const) {
      const r = await c.call('receiver', 'GET', `/api/v1/cases?${query}cursor=${encodeURIComponent(cursor)}`);
      expect(r.status, query).toBe(400);
      expect(r.body.detail).toContain('another listing');
    }
    expect((await c.call('receiver', 'GET', `/api/v1/cases?sort=due_at&limit=50&cursor=${encodeURIComponent(byDue)}`)).status).toBe(200);
    expect((await c.call('receiver', 'GET', `/api/v1/cases?limit=3&state=processing&cursor=${encodeURIComponent(accepted)}`)).status).toBe(200);
    const dflt = await c.call('receiver', 'GET', '/api/v1/cases');
    expect(dflt.body.items).toHaveLength(20);
  });

  it('the cursor walks every visible case exactly once, in order, for any page size', async () => {
    const c = ctx();
    const everything = ids((await c.call('receiver', 'GET', '/api/v1/cases?limit=100')).body.items);
    for (const limit of [1, 4, 7, 31, 100]) {
      const { items, pages } = await walk(c, 'receiver', 'sort=newest', limit);
      expect(ids(items), `limit ${limit}`).toEqual(everything);
      expect(new Set(ids(items)).size).toBe(items.length);
      expect(pages.slice(0, -1).every((n) => n === limit)).toBe(true);
    }
    const filtered = await walk(c, 'receiver', 'state=received', 3);
    expect(ids(filtered.items).sort()).toEqual(homeIds().filter((id) => !accepted.has(id) && !refused.has(id) && id !== ready.id).sort());
  });

  it('sort=due_at puts the most urgent first, then cases without a deadline, and pages the same way', async () => {
    const c = ctx();
    const r = await c.call('receiver', 'GET', '/api/v1/cases?sort=due_at&limit=100');
    const listed = r.body.items as Listed[];
    const withDue = listed.filter((x) => x.due_at !== null);
    // The clock runs from acceptance until the result is delivered.
    expect(ids(withDue).sort()).toEqual([...accepted, ready.id].sort());
    expect(ids(listed.slice(0, withDue.length))).toEqual(ids(withDue));
    for (let i = 1; i < withDue.length; i++) expect(withDue[i - 1]!.due_at! <= withDue[i]!.due_at!).toBe(true);
    const { items } = await walk(c, 'receiver', 'sort=due_at', 6);
    expect(ids(items)).toEqual(ids(listed));
  });

  it('overdue=true lists open cases past their due date', async () => {
    const c = ctx();
    expect((await c.call('receiver', 'GET', '/api/v1/cases?overdue=true&limit=100')).body.items).toEqual([]);
    // Three working days after acceptance have long passed two weeks later.
    c.clock.advance(14 * DAY);
    const r = await c.call('receiver', 'GET', '/api/v1/cases?overdue=true&limit=100');
    expect(ids(r.body.items).sort()).toEqual([...accepted, ready.id].sort());
    expect((r.body.items as { overdue: boolean }[]).every((x) => x.overdue)).toBe(true);
    expect((await c.call('other', 'GET', '/api/v1/cases?overdue=true&limit=100')).body.items).toEqual([]);
  });
});

describeEachMotcua('case search by phone, address and e-mail, and for cases written before search_text', (ctx) => {
  it('finds a phone number however its groups are written, the address and e-mail, and a case without search_text by its name as written', async () => {
    const c = ctx();
    const phoned = await c.open('receiver', { applicant: { name: 'Vũ Thị Gấm', phone: '0912 345 678', address: 'Số 7, ngõ 3, đường Hà Huy Tập', email: 'gam.vu@example.vn' } });
    await c.open('receiver', { applicant: { name: 'Đinh Văn Hải', phone: '0987 000 111' } });
    for (const q of ['0912345678', '0912-345-678', '0912.345.678', '345 678', 'ngo 3, duong ha huy tap', 'gam.vu@example']) {
      expect(await listIds(c, 'receiver', `q=${encodeURIComponent(q)}`), q).toEqual([phoned.id]);
    }
    // Fields are apart: the end of the name and the start of the phone are not one word.
    expect(await listIds(c, 'receiver', `q=${encodeURIComponent('gam 0912')}`)).toEqual([]);
    // Written by a node still on older code during an upgrade: found by the applicant's JSON.
    await c.m.store.write((tx) => tx.db.updateTable('cases').set({ search_text: null }).where('id', '=', phoned.id).execute());
    expect(await listIds(c, 'receiver', `q=${encodeURIComponent('Vũ Thị Gấm')}`)).toEqual([phoned.id]);
    expect(await listIds(c, 'receiver', 'q=vu%20thi%20gam')).toEqual([]);
  });
});
