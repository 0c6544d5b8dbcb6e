import { describe, expect, it } from 'vitest';
import { checkCalendarSource, loadCalendar } from '../../src/calendar/index.js';
import { isMotcuaError } from '../../src/errors/index.js';
import { VN_PATH, vnSource } from './helpers.js';

const PATH = 'config/calendars/test.yaml';

/** Findings as "line:col severity message-fragment" for readable assertions. */
function check(text: string): { calendar: unknown; found: { at: string; severity: string; message: string }[] } {
  const { calendar, findings } = checkCalendarSource(text, PATH);
  for (const f of findings) expect(f.path).toBe(PATH);
  return { calendar, found: findings.map((f) => ({ at: `${f.line}:${f.col}`, severity: f.severity, message: f.message })) };
}

const HEADER = `id: test
time_zone: Asia/Ho_Chi_Minh
working_week: [mon, tue, wed, thu, fri]
office_hours:
  - { from: "07:30", to: "11:30" }
  - { from: "13:30", to: "17:00" }
`;

describe('the shipped calendar', () => {
  it('checks clean: no errors, no warnings', () => {
    const { calendar, findings } = checkCalendarSource(vnSource, VN_PATH);
    expect(findings).toEqual([]);
    expect(calendar).not.toBeNull();
  });

  it('covers 2025, 2026 and 2027 in Asia/Ho_Chi_Minh with the default office hours', () => {
    const { calendar } = loadCalendar(vnSource, VN_PATH);
    expect(Object.keys(calendar.years)).toEqual(['2025', '2026', '2027']);
    expect(calendar.time_zone).toBe('Asia/Ho_Chi_Minh');
    expect(calendar.office_hours).toEqual([
      { from: '07:30', to: '11:30' },
      { from: '13:30', to: '17:00' },
    ]);
  });

  it('starts with the schema line editors use', () => {
    expect(vnSource.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/calendar.schema.json');
  });

  it('marks every guessed date as unconfirmed with a note', () => {
    const { calendar } = loadCalendar(vnSource, VN_PATH);
    const unconfirmed = Object.values(calendar.years).flatMap((y) => [...y.days_off, ...y.working_days].filter((e) => !e.confirmed));
    expect(unconfirmed.map((e) => e.date)).toEqual(['2027-02-04', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-09-03']);
    for (const e of unconfirmed) expect(e.note ?? '').not.toBe('');
  });
});

describe('calendar findings with line:col', () => {
  it('reports a date listed under the wrong year, duplicates, and a day both off and working', () => {
    const { calendar, found } = check(`${HEADER}years:
  2026:
    days_off:
      - { date: 2026-01-01, name: Tết Dương lịch }
      - { date: 2025-04-30, name: Wrong year }
      - { date: 2026-01-01, name: Again }
      - { date: 2026-02-30, name: No such day }
    working_days:
      - { date: 2026-01-01, name: Both }
`);
    expect(calendar).toBeNull();
    expect(found).toEqual([
      { at: '11:17', severity: 'error', message: '2025-04-30 is listed under year 2026; move it under 2025' },
      { at: '12:17', severity: 'error', message: '2026-01-01 is listed twice as a day off in 2026; remove one' },
      { at: '13:17', severity: 'error', message: '2026-02-30 is not a real date; write YYYY-MM-DD' },
      { at: '15:17', severity: 'error', message: '2026-01-01 is both a day off and a working day in 2026; keep one of them' },
    ]);
  });

  it('reports office hours out of order, overlapping, or ending before they start', () => {
    const { found } = check(`id: test
time_zone: Asia/Ho_Chi_Minh
working_week: [mon, tue, wed, thu, fri]
office_hours:
  - { from: "07:30", to: "11:30" }
  - { from: "11:00", to: "17:00" }
  - { from: "18:00", to: "17:30" }
years: {}
`);
    expect(found).toEqual([
      { at: '6:13', severity: 'error', message: expect.stringContaining('overlaps or comes before the previous one') },
      { at: '7:26', severity: 'error', message: expect.stringContaining("ends before it starts") },
    ]);
  });

  it('reports unknown weekdays, repeated weekdays and typos in keys with a suggestion', () => {
    const { found } = check(`id: test
time_zone: Asia/Ho_Chi_Minh
working_week: [mon, tue, wed, thurs, fri]
office_hours:
  - { from: "07:30", to: "11:30" }
years:
  2026:
    day_off: []
`);
    expect(found).toEqual([
      { at: '3:31', severity: 'error', message: expect.stringContaining('working_week.3') },
      { at: '8:5', severity: 'error', message: expect.stringContaining("unknown key 'day_off'; did you mean 'days_off'?") },
    ]);
    expect(check(HEADER.replace('fri]', 'fri, mon]') + 'years: {}\n').found).toEqual([
      { at: '3:41', severity: 'error', message: "'mon' is listed twice in the working week; remove one" },
    ]);
  });

  it('reports bad times and unsupported time zones at the value', () => {
    const { found } = check(`id: test
time_zone: Europe/Paris
working_week: [mon]
office_hours:
  - { from: "7:30", to: "11:30" }
years: {}
`);
    expect(found.map((f) => f.at)).toEqual(['2:12', '5:13']);
    expect(found[1]?.message).toContain('HH:MM');
  });

  it('warns when a listed day changes nothing, and when swaps and make-up days do not pair up', () => {
    const { calendar, found } = check(`${HEADER}years:
  2026:
    days_off:
      - { date: 2026-04-26, name: Giỗ Tổ on a Sunday }
      - { date: 2026-01-02, name: Swapped, kind: swapped }
    working_days:
      - { date: 2026-01-05, name: A Monday, kind: unit }
`);
    expect(calendar).not.toBeNull();
    expect(found).toEqual([
      { at: '8:3', severity: 'warning', message: expect.stringContaining('1 swapped day(s) off but 0 make-up') },
      { at: '10:17', severity: 'warning', message: expect.stringContaining('already a weekly rest day') },
      { at: '13:17', severity: 'warning', message: expect.stringContaining('already in the working week') },
    ]);
  });

  it('reports an override for a year the calendar does not have, and a unit day both off and working', () => {
    const { found } = check(`${HEADER}years:
  2026: {}
overrides:
  ca-xa-a:
    days_off:
      - { date: 2028-03-03, name: Lễ hội }
      - { date: 2026-03-03, name: Lễ hội }
    working_days:
      - { date: 2026-03-03, name: Trực }
`);
    expect(found).toEqual([
      { at: '12:17', severity: 'error', message: "unit 'ca-xa-a' overrides 2028-03-03 but the calendar has no year 2028; add year 2028 under years: first" },
      { at: '15:17', severity: 'error', message: "2026-03-03 is both a day off and a working day for unit 'ca-xa-a'; keep one of them" },
    ]);
  });

  it('reports YAML that cannot be read at all', () => {
    const { calendar, found } = check(`${HEADER}years:\n  2026: &a {}\n  2027: *a\n`);
    expect(calendar).toBeNull();
    expect(found[0]?.message).toContain('anchors');
    expect(found[0]?.at).toBe('8:9');
  });
});

describe('loadCalendar', () => {
  it('throws validationFailed with every finding, pointing at the first error', () => {
    try {
      loadCalendar(`${HEADER}years:\n  2026:\n    days_off:\n      - { date: 2025-01-01, name: X }\n`, PATH);
      expect.unreachable();
    } catch (e) {
      expect(isMotcuaError(e, 'validationFailed')).toBe(true);
      if (!isMotcuaError(e)) throw e;
      expect(e.message).toContain(`${PATH}:10:17`);
      expect(e.extras.findings).toHaveLength(1);
    }
  });
});
