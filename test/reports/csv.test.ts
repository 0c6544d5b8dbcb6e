/**
 * CSV exports must open in a spreadsheet exactly as written: RFC 4180 quoting survives a round
 * trip through a parser, Vietnamese text is intact, and text that looks like a formula is
 * neutralised.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CSV_BOM, SCORECARD_CSV_COLUMNS, checkScorecardSource, computeScorecard, createAccumulator, csvField, parseCsv, scorecardToCsv, toCsv } from '../../src/reports/index.js';
import { CASES, CTX } from './fixture.js';

describe('toCsv / parseCsv', () => {
  it('round-trips commas, quotes, line breaks and Vietnamese', () => {
    const rows = [
      ['mã', 'ghi chú', 'số'],
      ['HT.TS-251128-0001', 'Thiếu giấy tờ, phải bổ sung', '3'],
      ['a"b', 'dòng 1\ndòng 2', ''],
      ['', 'CRLF\r\ninside', '"quoted"'],
      ['Công an xã Thạch Khê', ' khoảng trắng ', ','],
    ];
    const text = toCsv(rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[1]).toBe('HT.TS-251128-0001,"Thiếu giấy tờ, phải bổ sung",3');
    expect(csvField('a"b')).toBe('"a""b"');
    expect(parseCsv(text)).toEqual(rows);
    expect(parseCsv(CSV_BOM + text)).toEqual(rows);
  });

  it('writes numbers as numbers, empties as empty, and neutralises formulas in text', () => {
    const text = toCsv([[1.5, -2, null, undefined, true, '=HYPERLINK("http://x")', '+1', '-x', '@SUM(A1)']]);
    expect(parseCsv(text)).toEqual([['1.5', '-2', '', '', 'true', `'=HYPERLINK("http://x")`, "'+1", "'-x", "'@SUM(A1)"]]);
  });

  it('reads LF line ends and a last line without one, and refuses an unclosed quote', () => {
    expect(parseCsv('a,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a,\n')).toEqual([['a', '']]);
    expect(() => parseCsv('"open,field\n')).toThrow(/quoted field that is not closed/);
  });
});

describe('scorecardToCsv', () => {
  it('writes one row per unit and indicator that parses back to the same numbers', () => {
    const { scorecard } = checkScorecardSource(readFileSync(fileURLToPath(new URL('../../config/scorecard.yaml', import.meta.url))), 'config/scorecard.yaml');
    if (scorecard === null) throw new Error('config/scorecard.yaml does not load');
    const acc = createAccumulator(CTX);
    for (const f of Object.values(CASES)) acc.add(f);
    const result = computeScorecard({
      scorecard,
      phase: 'Giai đoạn 2 (toàn tỉnh)',
      units: [
        { id: 'u1', parentId: 'p', name: 'Công an xã "Một", huyện cũ' },
        { id: 'u2', parentId: 'p', name: 'Công an xã Hai' },
      ],
      counters: acc.byKey(),
    });
    const rows = parseCsv(scorecardToCsv(result));
    expect(rows[0]).toEqual([...SCORECARD_CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + 2 * 11);
    const col = (name: (typeof SCORECARD_CSV_COLUMNS)[number]): number => SCORECARD_CSV_COLUMNS.indexOf(name);
    const satisfaction = rows.find((r) => r[col('unit_id')] === 'u1' && r[col('metric')] === 'satisfaction_rate');
    expect(satisfaction?.[col('unit_name')]).toBe('Công an xã "Một", huyện cũ');
    expect([satisfaction?.[col('value')], satisfaction?.[col('numerator')], satisfaction?.[col('denominator')], satisfaction?.[col('points')]]).toEqual(['0.375', '3', '8', '5.83']);
    expect(satisfaction?.[col('total')]).toBe('62.99');
    expect(satisfaction?.[col('rank')]).toBe('1');
    const empty = rows.find((r) => r[col('unit_id')] === 'u2' && r[col('metric')] === 'on_time_rate');
    expect([empty?.[col('value')], empty?.[col('denominator')], empty?.[col('points')], empty?.[col('rank')]]).toEqual(['', '0', '0', '2']);
  });
});
