/**
 * JSON Schemas generated from the zod definitions, checked in under `schemas/` so editors
 * (yaml-language-server) complete and check documents. The zod schema stays the single
 * source: `npm run schemas` rewrites the files and a test fails when they are stale.
 */
import { z } from 'zod';
import { Procedure } from './schema.js';

/** A generated schema file: its path relative to the repository root and how to build it. */
export interface SchemaFile {
  file: string;
  build(): Record<string, unknown>;
}

/** Builds the JSON Schema (draft 2020-12) of a zod schema with an `$id` and a title first. */
export function toJsonSchema(schema: z.ZodType, meta: { id: string; title: string }): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: meta.id, title: meta.title, ...rest };
}

/** The JSON Schema of procedure documents. */
export function procedureJsonSchema(): Record<string, unknown> {
  return toJsonSchema(Procedure, { id: 'urn:motcua:schema:procedure', title: 'motcua procedure' });
}

/** Every generated schema file; calendars, unit trees and scenarios add theirs with {@link registerSchemaFile}. */
export const schemaFiles: SchemaFile[] = [{ file: 'schemas/procedure.schema.json', build: procedureJsonSchema }];

/** Adds a generated schema file (replacing one with the same path). */
export function registerSchemaFile(entry: SchemaFile): void {
  const i = schemaFiles.findIndex((s) => s.file === entry.file);
  if (i >= 0) schemaFiles[i] = entry;
  else schemaFiles.push(entry);
}

/** The exact text written to a schema file (stable, so the staleness check is a string comparison). */
export function renderSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
