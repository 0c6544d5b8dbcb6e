/**
 * The scorecard file: the shipped config/scorecard.yaml is clean and follows Quyết định 766's
 * five groups; every kind of mistake an administrator can make is reported at its line and
 * column, with a suggestion where one helps.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMotcuaError } from '../../src/errors/index.js';
import { formatFinding } from '../../src/definitions/findings.js';
import { parseYamlSource } from '../../src/definitions/yaml-source.js';
import { checkScorecardSource, loadScorecard, scorecardSchemaFile } from '../../src/reports/index.js';

const ROOT = new URL('../../', import.meta.url);
const source = readFileSync(fileURLToPath(new URL('config/scorecard.yaml', ROOT)), 'utf8');

function unitIds(): string[] {
  const doc = parseYamlSource(readFileSync(fileURLToPath(new URL('config/units.yaml', ROOT))), 'config/units.yaml');
  const ids: string[] = [];
  const walk = (list: unknown): void => {
    for (const u of Array.isArray(list) ? list : []) {
      const node = u as { id?: unknown; children?: unknown };
      if (typeof node.id === 'string') ids.push(node.id);
      walk(node.children);
    }
  };
  walk((doc.value as { units?: unknown }).units);
  return ids;
}

describe('config/scorecard.yaml', () => {
  const { scorecard, findings } = checkScorecardSource(source, 'config/scorecard.yaml', { unitIds: unitIds() });

  it('has no findings, with the units of config/units.yaml', () => {
    expect(findings.map(formatFinding)).toEqual([]);
    expect(scorecard).not.toBeNull();
  });

  it('opens with the editor schema line', () => {
    expect(source.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/scorecard.schema.json');
    expect(scorecardSchemaFile.file).toBe('schemas/scorecard.schema.json');
  });

  it('has the five groups of Quyết định 766 in every phase: 18/20/22/22/18, 100 in all', () => {
    for (const phase of scorecard?.phases ?? []) {
      expect(phase.groups.map((g) => [g.id, g.points]), phase.name).toEqual([
        ['transparency', 18],
        ['progress', 20],
        ['online_service', 22],
        ['digitisation', 22],
        ['satisfaction', 18],
      ]);
      for (const g of phase.groups) expect(g.indicators.reduce((s, i) => s + i.points, 0), `${phase.name} ${g.id}`).toBe(g.points);
    }
    expect(scorecard?.phases.length).toBeGreaterThanOrEqual(1);
  });

  it('lists the rating criteria citizens may score', () => {
    expect(scorecard?.rating_criteria.map((c) => c.id)).toEqual(expect.arrayContaining(['timeliness', 'staff_attitude', 'visits', 'publicity']));
  });
});

const BASE = `id: test
title: Thử
rating_criteria:
  - { id: timeliness, label: Thời gian }
phases:
  - name: P1
    from: 2026-01-01
    to: 2026-06-30
    units: all
    total: 100
    groups:
      - id: progress
        title: Tiến độ
        points: 100
        indicators:
          - { metric: on_time_rate, threshold: 1, points: 60 }
          - { metric: avg_handling_working_days, threshold: 3, worst: 7, points: 40 }
`;

function problems(yaml: string, unitIds?: string[]): string[] {
  const checked = checkScorecardSource(yaml, 's.yaml', unitIds === undefined ? {} : { unitIds });
  if (checked.findings.some((f) => f.severity === 'error')) expect(checked.scorecard).toBeNull();
  return checked.findings.map(formatFinding);
}

describe('scorecard findings', () => {
  it('accepts the base document', () => {
    expect(problems(BASE)).toEqual([]);
  });

  it('names an unknown metric where it is written, with the likely one', () => {
    expect(problems(BASE.replace('metric: on_time_rate', 'metric: ontime_rate'))).toEqual([
      "s.yaml:16:23: error: phases.0.groups.0.indicators.0.metric: unknown metric 'ontime_rate'; did you mean 'on_time_rate'?",
    ]);
    expect(problems(BASE.replace('metric: on_time_rate', 'metric: speed'))[0]).toMatch(/^s\.yaml:16:23: error: .*unknown metric 'speed'; the metrics are: on_time_rate, /);
  });

  it('says when indicator points do not add up to the group, and groups to the declared total', () => {
    expect(problems(BASE.replace('points: 60', 'points: 50'))).toEqual([
      "s.yaml:14:17: error: the indicators of group 'progress' add up to 90 points, but the group has 100; make them equal",
    ]);
    expect(problems(BASE.replace('total: 100', 'total: 90'))).toEqual([
      "s.yaml:10:12: error: the groups of phase 'P1' add up to 100 points, but the phase declares total 90; make them equal",
    ]);
  });

  it('warns when the groups do not make 100 and no total is declared', () => {
    const yaml = BASE.replace('    total: 100\n', '').replace('points: 100', 'points: 90').replace('points: 60', 'points: 50');
    expect(problems(yaml)).toEqual(["s.yaml:10:5: warning: the groups of phase 'P1' add up to 90 points, not 100; declare `total: 90` if that is meant"]);
  });

  it('refuses thresholds and points that are not above 0', () => {
    expect(problems(BASE.replace('threshold: 1,', 'threshold: 0,'))).toEqual([
      's.yaml:16:48: error: phases.0.groups.0.indicators.0.threshold: a threshold must be greater than 0',
    ]);
    expect(problems(BASE.replace('threshold: 3,', 'threshold: -3,'))[0]).toMatch(/^s\.yaml:17:61: error: .*indicators\.1\.threshold: a threshold must be greater than 0$/);
  });

  it('refuses a share threshold above 1, suggesting the fraction', () => {
    expect(problems(BASE.replace('threshold: 1,', 'threshold: 90,'))).toEqual([
      "s.yaml:16:48: error: 'on_time_rate' is a share between 0 and 1, so a threshold of 90 can never be reached; write 0.9 for 90%",
    ]);
  });

  it('allows `worst` only on lower-is-better metrics, above the threshold', () => {
    expect(problems(BASE.replace('worst: 7', 'worst: 2'))).toEqual([
      's.yaml:17:71: error: `worst` (2) must be greater than the threshold (3): full points at or below the threshold, none at or above worst',
    ]);
    expect(problems(BASE.replace('threshold: 1, points: 60', 'threshold: 1, worst: 0.5, points: 60'))[0]).toMatch(
      /^s\.yaml:16:58: error: 'on_time_rate' is higher-is-better; `worst` applies only to lower-is-better metrics/,
    );
  });

  it('refuses two phases that cover the same unit on the same day, naming both', () => {
    const second = `  - name: P2
    from: 2026-06-01
    to: 2026-12-31
    units: [thanh-sen]
    groups:
      - id: progress
        title: Tiến độ
        points: 100
        indicators:
          - { metric: on_time_rate, threshold: 1, points: 100 }
`;
    expect(problems(BASE + second)).toEqual([
      "s.yaml:19:11: error: phase 'P2' (2026-06-01…2026-12-31) overlaps phase 'P1' (2026-01-01…2026-06-30, line 6) for unit(s) thanh-sen; a unit is in one phase on any day: change the dates or the units",
    ]);
    // The same dates for other units, or later dates for the same units, are fine.
    expect(problems(BASE.replace('units: all', 'units: [thach-khe]') + second)).toEqual([]);
    expect(problems(BASE + second.replace('2026-06-01', '2026-07-01'))).toEqual([]);
  });

  it('refuses a phase that ends before it starts, and unknown units when the tree is given', () => {
    expect(problems(BASE.replace('to: 2026-06-30', 'to: 2025-06-30'))).toEqual([
      "s.yaml:8:9: error: phase 'P1' ends (2025-06-30) before it starts (2026-01-01); swap the dates",
    ]);
    expect(problems(BASE.replace('units: all', 'units: [thanh-senn]'), ['thanh-sen', 'thach-khe'])).toEqual([
      "s.yaml:9:13: error: unit 'thanh-senn' is not in the unit tree; did you mean 'thanh-sen'?",
    ]);
  });

  it('names unknown keys with the allowed ones, and duplicate rating criteria', () => {
    // The missing threshold is reported at the indicator; the misspelt key at the key itself.
    expect(problems(BASE.replace('threshold: 1, points: 60', 'treshold: 1, points: 60'))).toEqual([
      's.yaml:16:13: error: phases.0.groups.0.indicators.0.threshold: Invalid input: expected number, received undefined',
      "s.yaml:16:37: error: unknown key 'treshold'; did you mean 'threshold'? (allowed: metric, title, threshold, worst, points, no_data)",
    ]);
    expect(problems(BASE.replace('  - { id: timeliness, label: Thời gian }\n', '  - { id: timeliness, label: Thời gian }\n  - { id: timeliness, label: Đúng hẹn }\n'))).toEqual([
      "s.yaml:5:11: error: rating criterion 'timeliness' is listed twice; remove one",
    ]);
  });

  it('reports YAML-level problems and never throws', () => {
    expect(problems('id: [unclosed')[0]).toMatch(/^s\.yaml:\d+:\d+: error: /);
    expect(() => loadScorecard(BASE.replace('threshold: 1,', 'threshold: 0,'), 's.yaml')).toThrow(/scorecard s\.yaml has 1 error\(s\)/);
    let thrown: unknown;
    try {
      loadScorecard('phases: []', 's.yaml');
    } catch (e) {
      thrown = e;
    }
    expect(isMotcuaError(thrown, 'validationFailed')).toBe(true);
    expect(loadScorecard(BASE, 's.yaml').scorecard.id).toBe('test');
  });
});
