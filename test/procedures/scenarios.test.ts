/**
 * Every shipped procedure is a tested artefact: each file in procedures/ must pass the checker,
 * have a scenarios file beside it, replay every scenario through the real engine exactly as
 * written, and take every transition at least once across its scenarios.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkProcedureSource } from '../../src/definitions/check.js';
import { compileDataSchema } from '../../src/definitions/data-schema.js';
import { formatFinding } from '../../src/definitions/findings.js';
import type { ProcedureDefinition } from '../../src/definitions/schema.js';
import { describeTransitionKey, parseScenariosSource, replayScenario, scenarioData, transitionKeys } from '../../src/definitions/scenarios.js';
import type { RefusalCodeName, ScenariosFile } from '../../src/definitions/scenario-schema.js';
import { startCase, step, type StepErrorCode } from '../../src/engine/index.js';

const DIR = fileURLToPath(new URL('../../procedures/', import.meta.url));
const engine = { startCase, step };

// The scenario format and the engine must name refusals alike; this fails to compile if they drift.
const sameCodes: [RefusalCodeName, StepErrorCode] extends [StepErrorCode, RefusalCodeName] ? true : never = true;

// Recursive, as `motcua validate procedures/` is: a procedure in a subfolder is shipped too.
const yamlFiles = readdirSync(DIR, { recursive: true, encoding: 'utf8' })
  .map((f) => f.replaceAll('\\', '/'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const isScenarios = (f: string): boolean => /\.scenarios\.ya?ml$/.test(f);
const procedureFiles = yamlFiles.filter((f) => !isScenarios(f));
const scenarioFiles = yamlFiles.filter(isScenarios);

interface Loaded {
  file: string;
  definition: ProcedureDefinition | null;
  errors: string[];
  scenariosPath: string;
  scenarios: ScenariosFile | null;
  scenarioErrors: string[];
}

function load(file: string): Loaded {
  const path = `procedures/${file}`;
  const checked = checkProcedureSource(readFileSync(DIR + file), path);
  const scenariosFile = file.replace(/\.ya?ml$/, '.scenarios.yaml');
  const scenariosPath = `procedures/${scenariosFile}`;
  let scenarios: ScenariosFile | null = null;
  let scenarioErrors: string[];
  if (scenarioFiles.includes(scenariosFile)) {
    const parsed = parseScenariosSource(readFileSync(DIR + scenariosFile), scenariosPath);
    scenarios = parsed.scenarios;
    scenarioErrors = parsed.findings.filter((f) => f.severity === 'error').map(formatFinding);
  } else {
    scenarioErrors = [`${scenariosPath}: missing; every procedure needs scenarios that take each of its transitions`];
  }
  return {
    file,
    definition: checked.definition,
    errors: checked.findings.filter((f) => f.severity === 'error').map(formatFinding),
    scenariosPath,
    scenarios,
    scenarioErrors,
  };
}

const loaded = procedureFiles.map(load);

describe('procedures/', () => {
  it('ships the commune-police procedures', () => {
    expect(sameCodes).toBe(true);
    expect(procedureFiles.length).toBeGreaterThanOrEqual(7);
  });

  it('has no scenarios file without its procedure', () => {
    const orphans = scenarioFiles.filter((s) => !procedureFiles.includes(s.replace(/\.scenarios(\.ya?ml)$/, '$1')));
    expect(orphans).toEqual([]);
  });
});

describe.each(loaded)('$file', (entry) => {
  it('passes the checker with no errors', () => {
    expect(entry.errors).toEqual([]);
    expect(entry.definition).not.toBeNull();
  });

  it('has a valid scenarios file for this procedure and version', () => {
    expect(entry.scenarioErrors).toEqual([]);
    expect(readFileSync(DIR + entry.scenariosPath.slice('procedures/'.length), 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schemas/scenarios.schema.json',
    );
    expect(entry.scenarios?.procedure).toBe(entry.definition?.id);
    if (entry.scenarios?.version !== undefined) expect(entry.scenarios.version).toBe(entry.definition?.version);
  });

  const scenarios = entry.scenarios?.scenarios ?? [];
  it.each(scenarios.map((s) => [s.name, s] as const))('scenario: %s', (_name, scenario) => {
    const def = entry.definition;
    const file = entry.scenarios;
    if (def === null || file === null) throw new Error(`${entry.file} or its scenarios do not load; see the tests above`);
    const replay = replayScenario(def, file, scenario, engine);
    expect(replay.failures).toEqual([]);
    expect(replay.steps).toBe(scenario.steps.length);
  });

  it("scenario data satisfies the procedure's data schema", () => {
    const def = entry.definition;
    const file = entry.scenarios;
    if (def === null || file === null) throw new Error(`${entry.file} or its scenarios do not load`);
    const validate = compileDataSchema(def.data);
    const problems = file.scenarios.flatMap((s) => validate(scenarioData(file, s)).map((e) => `${s.name}: ${e.path || '(data)'} ${e.message}`));
    expect(problems).toEqual([]);
  });

  it('takes every transition at least once across its scenarios', () => {
    const def = entry.definition;
    const file = entry.scenarios;
    if (def === null || file === null) throw new Error(`${entry.file} or its scenarios do not load`);
    const taken = new Set<string>();
    for (const scenario of file.scenarios) for (const key of replayScenario(def, file, scenario, engine).taken) taken.add(key);
    const uncovered = transitionKeys(def)
      .filter((key) => !taken.has(key))
      .map((key) => `${entry.scenariosPath}: no scenario takes ${describeTransitionKey(def, key)}`);
    expect(uncovered).toEqual([]);
  });
});
