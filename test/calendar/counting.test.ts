import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../src/calendar/index.js';
import { isMotcuaError } from '../../src/errors/index.js';
import { at, dur, HOUR, local, MINUTE, vnCalendar } from './helpers.js';

const cal = createWorkingCalendar(vnCalendar);
const due = (from: string, duration: string): string => local(cal.addDuration(at(from), dur(duration)));

describe('working days across weekends', () => {
  it('counts from the day after receipt and ends at closing time', () => {
    expect(due('2026-03-02 09:00', '3 working days')).toBe('2026-03-05 17:00'); // Mon → Thu
    expect(due('2026-03-02 09:00', '1 working day')).toBe('2026-03-03 17:00');
  });

  it('skips Saturday and Sunday', () => {
    expect(due('2026-03-05 10:00', '2 working days')).toBe('2026-03-09 17:00'); // Thu → Mon
    expect(due('2026-03-06 10:00', '1 working day')).toBe('2026-03-09 17:00'); // Fri → Mon
    expect(due('2026-03-06 10:00', '7 working days')).toBe('2026-03-17 17:00');
  });

  it('knows weekdays from weekends', () => {
    expect(cal.isWorkingDay('2026-03-06')).toBe(true);
    expect(cal.isWorkingDay('2026-03-07')).toBe(false);
    expect(cal.isWorkingDay('2026-03-08')).toBe(false);
  });
});

describe('Tết 2026 (days off Mon 16 – Fri 20 Feb)', () => {
  it('has every day from Sat 14 to Sun 22 Feb off, and Mon 23 Feb working', () => {
    for (const d of ['14', '15', '16', '17', '18', '19', '20', '21', '22']) expect(cal.isWorkingDay(`2026-02-${d}`), d).toBe(false);
    expect(cal.isWorkingDay('2026-02-13')).toBe(true);
    expect(cal.isWorkingDay('2026-02-23')).toBe(true);
  });

  it('carries deadlines over the whole Tết break', () => {
    expect(due('2026-02-13 09:00', '3 working days')).toBe('2026-02-25 17:00');
    expect(due('2026-02-12 16:00', '2 working days')).toBe('2026-02-23 17:00');
    // Tue 10 received; Wed 11, Thu 12, Fri 13, (Tết), Mon 23, Tue 24, Wed 25, Thu 26.
    expect(due('2026-02-10 08:00', '7 working days')).toBe('2026-02-26 17:00');
  });

  it('treats a dossier arriving during Tết as received on the first working day after it', () => {
    expect(due('2026-02-17 10:00', '1 working day')).toBe('2026-02-24 17:00');
    expect(local(cal.nextOpening(at('2026-02-17 10:00')))).toBe('2026-02-23 07:30');
  });

  it('names the day', () => {
    expect(cal.describeDay('2026-02-17')).toMatchObject({ working: false, kind: 'holiday', confirmed: true });
    expect(cal.describeDay('2026-02-17').name).toContain('Tết');
  });
});

describe('a holiday on a Sunday gives the Monday off', () => {
  it('Giỗ Tổ 2026 (Sun 26 Apr) is followed by compensatory Mon 27 Apr', () => {
    expect(cal.isWorkingDay('2026-04-26')).toBe(false);
    expect(cal.isWorkingDay('2026-04-27')).toBe(false);
    expect(cal.describeDay('2026-04-27').kind).toBe('compensatory');
    expect(due('2026-04-24 10:00', '1 working day')).toBe('2026-04-28 17:00');
  });

  it('then 30/4 and 1/5 (Thu, Fri) are off too', () => {
    expect(due('2026-04-28 10:00', '2 working days')).toBe('2026-05-04 17:00'); // Wed 29 Apr, then Mon 4 May
  });
});

describe('make-up Saturdays are working days', () => {
  it('counts Sat 10 Jan 2026 (làm bù for Fri 2 Jan)', () => {
    expect(cal.isWorkingDay('2026-01-10')).toBe(true);
    expect(cal.isWorkingDay('2026-01-02')).toBe(false);
    expect(due('2026-01-08 10:00', '2 working days')).toBe('2026-01-10 17:00');
  });

  it('skips the swapped Friday and the New Year holiday', () => {
    expect(due('2025-12-31 10:00', '1 working day')).toBe('2026-01-05 17:00');
  });

  it('receives a dossier on the make-up Saturday itself', () => {
    expect(due('2026-01-10 08:00', '1 working day')).toBe('2026-01-12 17:00');
    expect(local(cal.nextOpening(at('2026-01-10 06:00')))).toBe('2026-01-10 07:30');
  });
});

describe('when the dossier arrives outside office hours', () => {
  it('after closing: the next working day is the day of receipt', () => {
    expect(due('2026-03-02 17:30', '1 working day')).toBe('2026-03-04 17:00');
    expect(due('2026-03-02 17:00', '1 working day')).toBe('2026-03-04 17:00'); // closing time itself is closed
    expect(due('2026-03-02 16:59', '1 working day')).toBe('2026-03-03 17:00');
  });

  it('at lunch: the same day is the day of receipt; hours count from 13:30', () => {
    expect(due('2026-03-02 12:00', '1 working day')).toBe('2026-03-03 17:00');
    expect(due('2026-03-02 12:00', '4 working hours')).toBe('2026-03-03 08:00');
    expect(local(cal.nextOpening(at('2026-03-02 12:00')))).toBe('2026-03-02 13:30');
  });

  it('before opening: the same day is the day of receipt', () => {
    expect(due('2026-03-02 06:00', '1 working day')).toBe('2026-03-03 17:00');
    expect(due('2026-03-02 06:00', '½ working day')).toBe('2026-03-02 11:15');
  });

  it('on a day off: the next working day is the day of receipt', () => {
    expect(due('2026-03-01 10:00', '1 working day')).toBe('2026-03-03 17:00'); // Sunday
    expect(due('2026-03-01 10:00', '4 working hours')).toBe('2026-03-02 11:30');
  });

  it('nextOpening returns the instant itself while the office is open', () => {
    expect(local(cal.nextOpening(at('2026-03-02 09:15')))).toBe('2026-03-02 09:15');
    expect(local(cal.nextOpening(at('2026-03-06 17:00')))).toBe('2026-03-09 07:30');
  });
});

describe('half a working day is half of one day\'s office hours (3 h 45 min)', () => {
  it('runs across lunch', () => {
    expect(due('2026-03-02 10:00', '½ working day')).toBe('2026-03-02 15:45');
    expect(due('2026-03-02 10:00', '0.5 working days')).toBe('2026-03-02 15:45');
  });

  it('runs across closing into the next working day', () => {
    expect(due('2026-03-02 15:00', '½ working day')).toBe('2026-03-03 09:15');
    expect(due('2026-03-06 15:00', '½ working day')).toBe('2026-03-09 09:15');
    expect(due('2026-02-13 15:00', '½ working day')).toBe('2026-02-23 09:15');
  });

  it('1½ days: one day by the day rule, then half a day of office time into the next working day', () => {
    expect(due('2026-03-02 10:00', '1½ working days')).toBe('2026-03-04 11:15');
    expect(due('2026-03-05 10:00', '1.5 working days')).toBe('2026-03-09 11:15');
  });
});

describe('working hours', () => {
  it('4 working hours run through lunch', () => {
    expect(due('2026-03-02 10:00', '4 working hours')).toBe('2026-03-02 16:00');
  });

  it('4 working hours run over a weekend', () => {
    expect(due('2026-03-06 15:00', '4 working hours')).toBe('2026-03-09 09:30');
  });

  it('measures office time between instants', () => {
    expect(cal.workingTimeBetween(at('2026-03-02 10:00'), at('2026-03-02 16:00'))).toBe(4 * HOUR);
    expect(cal.workingTimeBetween(at('2026-03-06 07:30'), at('2026-03-09 17:00'))).toBe(15 * HOUR);
    expect(cal.workingTimeBetween(at('2026-03-02 16:00'), at('2026-03-02 10:00'))).toBe(0);
    expect(cal.officeDayMs).toBe(7.5 * HOUR);
  });

  it('subtracts office time back to the previous close', () => {
    expect(local(cal.subtractOfficeTime(at('2026-03-04 17:00'), 7.5 * HOUR))).toBe('2026-03-03 17:00');
    expect(local(cal.subtractOfficeTime(at('2026-03-09 17:00'), 7.5 * HOUR))).toBe('2026-03-06 17:00');
    expect(local(cal.subtractOfficeTime(at('2026-03-04 17:00'), 3.75 * HOUR))).toBe('2026-03-04 11:15');
  });
});

describe('paused time does not count', () => {
  it('a pause spanning Tết adds only the office time inside it', () => {
    // Thu 12 Feb 10:00 → Tue 24 Feb 10:00: 5 h + 7.5 h + 7.5 h + 2.5 h = 22.5 h = 3 working days.
    expect(cal.workingTimeBetween(at('2026-02-12 10:00'), at('2026-02-24 10:00'))).toBe(22.5 * HOUR);
    expect(local(cal.extendForPause(at('2026-02-13 17:00'), at('2026-02-12 10:00'), at('2026-02-24 10:00')))).toBe('2026-02-25 17:00');
  });

  it('a pause lying wholly inside holidays and weekends moves nothing', () => {
    expect(local(cal.extendForPause(at('2026-02-25 17:00'), at('2026-02-14 08:00'), at('2026-02-22 20:00')))).toBe('2026-02-25 17:00');
  });

  it('a pause of 90 minutes moves a closing-time deadline into the next working morning', () => {
    expect(local(cal.extendForPause(at('2026-03-06 17:00'), at('2026-03-02 10:00'), at('2026-03-02 11:30')))).toBe('2026-03-09 09:00');
  });
});

describe('a year missing from the calendar', () => {
  const missing = (fn: () => unknown): { message: string; extras: Record<string, unknown> } => {
    try {
      fn();
    } catch (e) {
      if (isMotcuaError(e, 'calendarYearMissing')) return { message: e.message, extras: e.extras };
      throw e;
    }
    throw new Error('expected calendarYearMissing');
  };

  it('is an error naming the year and the file to edit when a deadline reaches into it', () => {
    const e = missing(() => cal.addDuration(at('2027-12-28 10:00'), dur('5 working days')));
    expect(e.message).toContain('2028');
    expect(e.message).toContain('config/calendars/vn.yaml');
    expect(e.extras).toMatchObject({ year: 2028, calendar: 'vn' });
  });

  it('is an error for years before the calendar and for date queries', () => {
    expect(missing(() => cal.addDuration(at('2024-12-30 10:00'), dur('1 working day'))).message).toContain('2024');
    expect(missing(() => cal.isWorkingDay('2028-01-03')).extras).toMatchObject({ year: 2028 });
    expect(missing(() => cal.nextOpening(at('2027-12-31 18:00'))).extras).toMatchObject({ year: 2028 });
    expect(missing(() => cal.workingDaysBetween(at('2027-12-30 10:00'), at('2028-01-05 10:00'))).extras).toMatchObject({ year: 2028 });
  });

  it('does not stop deadlines that end before the missing year', () => {
    expect(due('2027-12-27 10:00', '3 working days')).toBe('2027-12-30 17:00');
    expect(due('2027-12-30 10:00', '1 working day')).toBe('2027-12-31 17:00');
  });
});

describe('days left', () => {
  it('counts working days after today up to the due day, negative when overdue', () => {
    expect(cal.workingDaysBetween(at('2026-03-02 09:00'), at('2026-03-04 17:00'))).toBe(2);
    expect(cal.workingDaysBetween(at('2026-03-04 09:00'), at('2026-03-04 17:00'))).toBe(0);
    expect(cal.workingDaysBetween(at('2026-03-09 09:00'), at('2026-03-05 17:00'))).toBe(-2);
    expect(cal.workingDaysBetween(at('2026-02-13 09:00'), at('2026-02-24 17:00'))).toBe(2);
  });
});

describe('bad input', () => {
  it('rejects invalid instants, negative office time and non-dates', () => {
    expect(() => cal.addDuration(new Date('nope'), dur('1 working day'))).toThrow(/not a valid instant/);
    expect(() => cal.addOfficeTime(at('2026-03-02 10:00'), -MINUTE)).toThrow(/non-negative/);
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(/not a date/);
  });
});
