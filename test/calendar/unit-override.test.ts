import { describe, expect, it } from 'vitest';
import { createWorkingCalendar, loadCalendar } from '../../src/calendar/index.js';
import { at, dur, local, VN_PATH, vnSource } from './helpers.js';

// The shipped calendar with a province-wide and a commune's own overrides.
const withOverrides = vnSource.replace(
  'overrides: {}',
  `overrides:
  ca-tinh-x:
    days_off:
      - { date: 2026-03-10, name: Ngày truyền thống Công an tỉnh, kind: unit }
  ca-xa-a:
    office_hours:
      - { from: "08:00", to: "12:00" }
      - { from: "13:00", to: "17:00" }
    days_off:
      - { date: 2026-03-03, name: Lễ hội làng, kind: unit }
    working_days:
      - { date: 2026-03-10, name: Trực tiếp dân dịp lễ hội, kind: unit }
`,
);
const { calendar, findings } = loadCalendar(withOverrides, VN_PATH);
const due = (cal: ReturnType<typeof createWorkingCalendar>, from: string, d: string): string => local(cal.addDuration(at(from), dur(d)));

describe('a unit overrides the calendar', () => {
  it('the file with overrides checks clean', () => {
    expect(findings).toEqual([]);
  });

  it("gives only that unit its own day off", () => {
    const national = createWorkingCalendar(calendar);
    const communeA = createWorkingCalendar(calendar, { unit: 'ca-xa-a', unitAncestors: ['ca-tinh-x'] });
    const communeB = createWorkingCalendar(calendar, { unit: 'ca-xa-b', unitAncestors: ['ca-tinh-x'] });
    expect(national.isWorkingDay('2026-03-03')).toBe(true);
    expect(communeA.isWorkingDay('2026-03-03')).toBe(false);
    expect(communeB.isWorkingDay('2026-03-03')).toBe(true);
    expect(due(national, '2026-03-02 09:00', '1 working day')).toBe('2026-03-03 17:00');
    expect(due(communeA, '2026-03-02 09:00', '1 working day')).toBe('2026-03-04 17:00');
  });

  it('applies an ancestor\'s day off to every unit below it, unless the nearer unit works that day', () => {
    const communeA = createWorkingCalendar(calendar, { unit: 'ca-xa-a', unitAncestors: ['ca-tinh-x'] });
    const communeB = createWorkingCalendar(calendar, { unit: 'ca-xa-b', unitAncestors: ['ca-tinh-x'] });
    const province = createWorkingCalendar(calendar, { unit: 'ca-tinh-x' });
    expect(province.isWorkingDay('2026-03-10')).toBe(false);
    expect(communeB.isWorkingDay('2026-03-10')).toBe(false);
    expect(communeA.isWorkingDay('2026-03-10')).toBe(true);
    expect(communeA.describeDay('2026-03-10')).toMatchObject({ working: true, kind: 'unit' });
  });

  it('counts office time in the unit\'s own office hours', () => {
    const communeA = createWorkingCalendar(calendar, { unit: 'ca-xa-a', unitAncestors: ['ca-tinh-x'] });
    expect(communeA.officeDayMs).toBe(8 * 3_600_000);
    expect(due(communeA, '2026-03-04 10:00', '½ working day')).toBe('2026-03-04 15:00');
    expect(due(communeA, '2026-03-04 07:45', '4 working hours')).toBe('2026-03-04 12:00');
  });

  it('keeps national holidays for a unit without overrides', () => {
    const other = createWorkingCalendar(calendar, { unit: 'not-listed' });
    expect(other.isWorkingDay('2026-02-17')).toBe(false);
  });
});
