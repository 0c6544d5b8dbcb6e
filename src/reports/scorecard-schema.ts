/**
 * The scorecard file (`config/scorecard.yaml`): the province's criteria and points scale (bộ
 * tiêu chí, thang điểm), in phases. Defined once in zod; `schemas/scorecard.schema.json` is
 * generated from {@link ScorecardFile}, and scorecard-check.ts adds the checks a schema cannot
 * express (points that add up, overlapping phases, thresholds that fit the metric).
 */
import { z } from 'zod';
import { Slug } from '../definitions/schema.js';
import { toJsonSchema, type SchemaFile } from '../definitions/json-schema.js';
import { METRIC_NAMES, type MetricName } from './metrics.js';

/** What an indicator scores when its metric has no value (denominator 0: nothing to measure). */
export const NoDataRule = z
  .enum(['zero', 'full'])
  .describe('Points when there is nothing to measure (e.g. no complaints at all): `zero` (default) or `full`.');

export const Indicator = z
  .strictObject({
    metric: z.enum(METRIC_NAMES as [MetricName, ...MetricName[]]).describe('A metric of the fixed catalogue (docs/scorecard.md).'),
    title: z.string().min(1).max(300).optional().describe('Label shown in reports; defaults to the metric title.'),
    threshold: z
      .number()
      .positive('a threshold must be greater than 0')
      .describe(
        'Full points at this value. Higher-is-better: points × min(1, value / threshold). Lower-is-better: points × min(1, threshold / value), ' +
          'or linear down to 0 at `worst`. Shares are fractions: 0.8 means 80%.',
      ),
    worst: z.number().positive().optional().describe('Lower-is-better metrics only: the value at which the indicator scores 0 (linear between threshold and worst).'),
    points: z.number().positive('points must be greater than 0').describe('The most this indicator can score.'),
    no_data: NoDataRule.optional(),
  })
  .describe('One indicator: a metric, a threshold and the points.');

export const CriteriaGroup = z
  .strictObject({
    id: Slug.describe('Stable id of the group, e.g. progress.'),
    title: z.string().min(1).max(300).describe('Vietnamese title of the group, e.g. "Tiến độ, kết quả giải quyết".'),
    points: z.number().positive('points must be greater than 0').describe("The group's points; its indicators' points must add up to it."),
    indicators: z.array(Indicator).min(1, 'a group needs at least one indicator'),
  })
  .describe('A criteria group (nhóm tiêu chí).');

export const UnitSelection = z
  .union([z.literal('all'), z.array(Slug).min(1, 'list at least one unit id, or write `all`')])
  .describe('The units this phase scores: `all`, or a list of unit ids from config/units.yaml.');

export const Phase = z
  .strictObject({
    name: z.string().min(1).max(200).describe('Name of the phase (giai đoạn), e.g. "Giai đoạn 1".'),
    from: z.iso.date().describe('First day of the phase (YYYY-MM-DD, included).'),
    to: z.iso.date().describe('Last day of the phase (YYYY-MM-DD, included).'),
    units: UnitSelection,
    total: z.number().positive().optional().describe('Declared total of the phase (normally 100); the groups must add up to it.'),
    groups: z.array(CriteriaGroup).min(1, 'a phase needs at least one criteria group'),
  })
  .describe('A phase of the rollout with its own criteria.');

export const RatingCriterion = z
  .strictObject({
    id: Slug.describe('Stable id used in ratings, e.g. timeliness.'),
    label: z.string().min(1).max(200).describe('Vietnamese label shown to citizens.'),
  })
  .describe('A criterion citizens may score when they rate a case.');

export const ScorecardFile = z
  .strictObject({
    kind: z.literal('scorecard').optional().describe('Document kind.'),
    id: Slug.describe('Identifier of this scorecard, e.g. ha-tinh-2025.'),
    title: z.string().min(1).max(300).describe('Title, e.g. "Bộ tiêu chí đánh giá Công an cấp xã".'),
    no_data: NoDataRule.optional(),
    rating_criteria: z.array(RatingCriterion).min(1).describe('Criteria citizens may score per case (ids + Vietnamese labels).'),
    phases: z.array(Phase).min(1, 'a scorecard needs at least one phase'),
  })
  .describe('A motcua scorecard: phases, criteria groups, indicators and rating criteria.');

export type ScorecardData = z.infer<typeof ScorecardFile>;
export type ScorecardPhase = z.infer<typeof Phase>;
export type ScorecardGroup = z.infer<typeof CriteriaGroup>;
export type ScorecardIndicator = z.infer<typeof Indicator>;
export type NoData = z.infer<typeof NoDataRule>;

/** The generated JSON Schema file of scorecards, for `registerSchemaFile` (src/definitions/json-schema.ts). */
export const scorecardSchemaFile: SchemaFile = {
  file: 'schemas/scorecard.schema.json',
  build: () => toJsonSchema(ScorecardFile, { id: 'urn:motcua:schema:scorecard', title: 'motcua scorecard' }),
};
