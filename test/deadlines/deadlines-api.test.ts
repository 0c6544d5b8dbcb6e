import { expect, it } from 'vitest';
import { describeEachMotcua, type MotcuaContext } from '../http/cases-fixture.js';

/** Local time in Hà Tĩnh (UTC+7) as an instant. */
const vn = (local: string) => new Date(`${local}+07:00`);
const iso = (local: string) => vn(local).toISOString();

const COMPLAINT = { content: 'Đề nghị niêm yết công khai lịch làm việc', contact: { name: 'Người phản ánh', phone: '0912000009' } };

async function openComplaint(t: MotcuaContext, data: Record<string, unknown> = COMPLAINT) {
  const r = await t.call('receiver', 'POST', '/api/v1/cases', { body: { procedure: 'phan-anh-kien-nghi', applicant: { name: 'Người phản ánh' }, data } });
  expect(r.status).toBe(201);
  return r.body;
}

describeEachMotcua('deadlines', (ctx) => {
  it('sets the appointment date when the dossier is received as complete (3 working days → closing time)', async () => {
    const t = ctx();
    t.clock.set(vn('2026-03-02T09:00:00'));
    const c = await t.open();
    expect(c.due_at).toBeNull();
    const r = await t.send('receiver', c.id, 'ACCEPT');
    expect(r.status).toBe(200);
    // Received Monday 2 March 09:00: days 1–3 are Tue–Thu, so the appointment is Thursday 5 March 17:00.
    expect(r.body.case.due_at).toBe(iso('2026-03-05T17:00:00'));
    expect(r.body.case.clock_started_at).toBe(iso('2026-03-02T09:00:00'));
    const listed = await t.call('receiver', 'GET', `/api/v1/cases?q=${c.code}`);
    expect(listed.body.items[0].due_at).toBe(iso('2026-03-05T17:00:00'));
  });

  it('does not count paused time: supplement time moves the appointment later by the office time it took', async () => {
    const t = ctx();
    t.clock.set(vn('2026-03-02T09:00:00'));
    const c = await openComplaint(t);
    const accepted = await t.send('receiver', c.id, 'ACCEPT');
    // 15 working days from Monday 2 March: Monday 23 March, 17:00.
    expect(accepted.body.case.due_at).toBe(iso('2026-03-23T17:00:00'));
    const paused = await t.send('receiver', c.id, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu địa chỉ cụ thể' });
    expect(paused.body.case.paused).toBe(true);
    expect(paused.body.case.supplement_count).toBe(1);
    // Two working days pass while the citizen supplements (Mon 09:00 → Wed 09:00 = 15 office hours).
    t.clock.set(vn('2026-03-04T09:00:00'));
    const resumed = await t.send('receiver', c.id, 'SUPPLEMENTED');
    expect(resumed.body.case.paused).toBe(false);
    expect(resumed.body.case.due_at).toBe(iso('2026-03-25T17:00:00'));
    expect(resumed.body.case.paused_ms).toBe(15 * 3600_000);
  });

  it('fires a delayed transition once, as the system, and never after its state was left', async () => {
    const t = ctx();
    t.clock.set(vn('2026-03-02T09:00:00'));
    const waiting = await openComplaint(t);
    const handled = await openComplaint(t);
    await t.send('receiver', handled.id, 'ACCEPT');
    // AUTO_ACCEPT is due 2 working days after receipt: Wednesday 4 March, 17:00.
    t.clock.set(vn('2026-03-04T16:59:00'));
    expect((await t.m.sweeper.sweepOnce()).fired).toBe(0);
    t.clock.set(vn('2026-03-04T17:01:00'));
    await t.m.sweeper.sweepOnce();
    await t.m.sweeper.sweepOnce();
    const history = (await t.call('auditor', 'GET', `/api/v1/cases/${waiting.id}/history`)).body.items;
    const auto = history.filter((h: { event: string }) => h.event === 'AUTO_ACCEPT');
    expect(auto).toHaveLength(1);
    expect(auto[0]).toMatchObject({ actor_id: 'system', to: ['reviewing'] });
    const other = (await t.call('auditor', 'GET', `/api/v1/cases/${handled.id}/history`)).body.items;
    expect(other.map((h: { event: string }) => h.event)).not.toContain('AUTO_ACCEPT');
  });

  it('marks a case nearly due one working day before, then overdue, with system records and no state change', async () => {
    const t = ctx();
    t.clock.set(vn('2026-03-02T09:00:00'));
    const c = await t.open();
    await t.send('receiver', c.id, 'ACCEPT');
    t.clock.set(vn('2026-03-04T17:00:01'));
    await t.m.sweeper.sweepOnce();
    let now = (await t.call('receiver', 'GET', `/api/v1/cases/${c.id}`)).body;
    expect(now).toMatchObject({ nearly_due: true, overdue: false, state: 'processing' });
    t.clock.set(vn('2026-03-05T17:00:01'));
    await t.m.sweeper.sweepOnce();
    now = (await t.call('receiver', 'GET', `/api/v1/cases/${c.id}`)).body;
    expect(now).toMatchObject({ overdue: true, state: 'processing' });
    const events = (await t.call('receiver', 'GET', `/api/v1/cases/${c.id}/history`)).body.items.map((h: { event: string; actor_id: string }) => `${h.event}/${h.actor_id}`);
    expect(events).toEqual(expect.arrayContaining(['deadline.warning/system', 'deadline.missed/system']));
    const overdue = (await t.call('receiver', 'GET', '/api/v1/cases?overdue=true&limit=100')).body.items.map((x: { id: string }) => x.id);
    expect(overdue).toContain(c.id);
    const byDue = (await t.call('receiver', 'GET', `/api/v1/cases?due_before=${encodeURIComponent(iso('2026-03-06T00:00:00'))}&sort=due_at&limit=100`)).body.items;
    expect(byDue.map((x: { id: string }) => x.id)).toContain(c.id);
    expect(byDue.every((x: { due_at: string | null }) => x.due_at !== null && x.due_at < iso('2026-03-06T00:00:00'))).toBe(true);
  });

  it('accepts one apology with a later appointment date and refuses a second one', async () => {
    const t = ctx();
    t.clock.set(vn('2026-03-02T09:00:00'));
    const c = await t.open();
    await t.send('receiver', c.id, 'ACCEPT');
    t.clock.set(vn('2026-03-05T15:00:00'));
    const earlier = await t.call('receiver', 'POST', `/api/v1/cases/${c.id}/apology`, { body: { reason: 'Chờ xác minh', new_due_at: '2026-03-04' } });
    expect(earlier.status).toBe(422);
    const first = await t.call('receiver', 'POST', `/api/v1/cases/${c.id}/apology`, { body: { reason: 'Chờ kết quả xác minh nơi cư trú', new_due_at: '2026-03-10' } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ new_due_at: iso('2026-03-10T17:00:00'), previous_due_at: iso('2026-03-05T17:00:00') });
    const second = await t.call('receiver', 'POST', `/api/v1/cases/${c.id}/apology`, { body: { reason: 'Lần hai', new_due_at: '2026-03-12' } });
    expect(second.status).toBe(409);
    const view = (await t.call('receiver', 'GET', `/api/v1/cases/${c.id}`)).body;
    expect(view.due_at).toBe(iso('2026-03-10T17:00:00'));
    expect(view.apology.reason).toBe('Chờ kết quả xác minh nơi cư trú');
    const history = (await t.call('receiver', 'GET', `/api/v1/cases/${c.id}/history`)).body.items;
    expect(history.at(-1)).toMatchObject({ event: 'case.apology', reason: 'Chờ kết quả xác minh nơi cư trú' });
    expect((await t.call('other', 'POST', `/api/v1/cases/${c.id}/apology`, { body: { reason: 'x', new_due_at: '2026-03-12' } })).status).toBe(404);
  });

  it('refuses an apology date the office is closed on, or a day gone, whether given as a day or as an instant', async () => {
    const t = ctx();
    t.clock.set(vn('2026-03-02T09:00:00'));
    const c = await t.open();
    await t.send('receiver', c.id, 'ACCEPT');
    t.clock.set(vn('2026-03-05T15:00:00'));
    const apologize = (new_due_at: string) => t.call('receiver', 'POST', `/api/v1/cases/${c.id}/apology`, { body: { reason: 'Chờ xác minh', new_due_at } });
    // Saturday 7 March, as a day and as an instant in what would be office hours.
    for (const saturday of ['2026-03-07', '2026-03-07T10:00:00+07:00']) {
      const r = await apologize(saturday);
      expect(r.status, saturday).toBe(422);
      expect(r.body.detail).toContain('2026-03-07 is not a working day');
    }
    // Tuesday 10 March at 07:00 local: before the office opens.
    const early = await apologize('2026-03-10T00:00:00Z');
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([{ path: '/new_due_at', message: 'outside office hours' }]);
    // A day long gone is the date's fault, not a gap in the calendar's years.
    const past = await apologize('2020-01-01');
    expect(past.status).toBe(422);
    expect(past.body.errors).toEqual([{ path: '/new_due_at', message: 'must be later than the current appointment' }]);
    expect((await t.call('receiver', 'GET', `/api/v1/cases/${c.id}`)).body.apology).toBeNull();
    // The closing time of a working day is a time the citizen can come.
    const ok = await apologize('2026-03-10T17:00:00+07:00');
    expect(ok.status).toBe(201);
    expect(ok.body.new_due_at).toBe(iso('2026-03-10T17:00:00'));
  });

  it('derives the control slip: who handed over, who received, and early / on time / late per step', async () => {
    const t = ctx();
    t.clock.set(vn('2026-03-02T09:00:00'));
    const c = await t.open();
    await t.send('receiver', c.id, 'ACCEPT');
    // Processing has 2 working days (due Wed 4 March 17:00): proposed on Tuesday → early.
    t.clock.set(vn('2026-03-03T10:00:00'));
    await t.send('processor', c.id, 'PROPOSE', { cho_o_hop_phap: true });
    // Approval has ½ working day from Tue 10:00 (3h45 of office time: 1h30 before lunch, 2h15 after → 15:45): approved at 16:00 → late.
    t.clock.set(vn('2026-03-03T16:00:00'));
    await t.send('leader', c.id, 'APPROVE');
    const slip = await t.call('receiver', 'GET', `/api/v1/cases/${c.id}/control-slip`);
    expect(slip.status).toBe(200);
    const steps = slip.body.steps;
    const processing = steps.find((s: { states: string[] }) => s.states[0] === 'processing');
    expect(processing).toMatchObject({ budget: '2 working days', result: 'early', handed_over_by: { id: t.userIds.receiver }, received_by: { id: t.userIds.processor } });
    const approval = steps.find((s: { states: string[] }) => s.states[0] === 'approval');
    expect(approval).toMatchObject({ result: 'late', due_at: iso('2026-03-03T15:45:00'), received_by: { id: t.userIds.leader } });
    expect((await t.call('other', 'GET', `/api/v1/cases/${c.id}/control-slip`)).status).toBe(404);
  });
});

describeEachMotcua('paused time before the clock starts', (ctx) => {
  it('is not counted as paused handling time', async () => {
    const t = ctx();
    t.clock.set(vn('2026-03-02T09:00:00'));
    const c = await t.open();
    await t.send('receiver', c.id, 'REQUEST_SUPPLEMENT', { reason: 'Thiếu giấy tờ chỗ ở' });
    t.clock.set(vn('2026-03-04T09:00:00'));
    const back = await t.send('receiver', c.id, 'SUPPLEMENTED');
    expect(back.body.case).toMatchObject({ paused: false, paused_ms: 0, supplement_count: 1, due_at: null });
    const accepted = await t.send('receiver', c.id, 'ACCEPT');
    // The statutory clock starts at receipt of the complete dossier: Wednesday 4 March → Monday 9 March 17:00.
    expect(accepted.body.case.due_at).toBe(iso('2026-03-09T17:00:00'));
  });
});
