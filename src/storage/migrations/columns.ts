/**
 * Portable column definitions for migrations: each helper spells one value form of schema.ts
 * on the dialect described by the capabilities, so a migration reads the same for both.
 */
import { sql, type ColumnBuilderCallback, type ColumnDataType, type ColumnDefinitionBuilder, type Expression } from 'kysely';
import type { Capabilities } from '../capabilities.js';

type Column = [name: string, type: ColumnDataType | Expression<unknown>, build: ColumnBuilderCallback];

/** Exactly what `Date.prototype.toISOString()` produces for years 0000–9999. */
const isoInstantGlob = '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z';
const isoDateGlob = '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]';

/** Column helpers for one dialect; spread the result into `addColumn(...)`. */
export function columnKit(caps: Capabilities) {
  const required = (c: ColumnDefinitionBuilder, notNull: boolean) => (notNull ? c.notNull() : c);
  return {
    /** Text; `notNull` unless told otherwise. */
    text: (name: string, notNull = true): Column => [name, 'text', (c) => required(c, notNull)],
    /** 32-bit integer. */
    int: (name: string, notNull = true, defaultValue?: number): Column => [
      name,
      'integer',
      (c) => {
        const b = required(c, notNull);
        return defaultValue === undefined ? b : b.defaultTo(defaultValue);
      },
    ],
    /** 64-bit integer. */
    bigint: (name: string, notNull = true, defaultValue?: number): Column => [
      name,
      sql.raw(caps.bigintType),
      (c) => {
        const b = required(c, notNull);
        return defaultValue === undefined ? b : b.defaultTo(defaultValue);
      },
    ],
    /** An instant (ISO-8601 UTC); on SQLite a CHECK keeps text order equal to time order. */
    time: (name: string, notNull = true): Column => [
      name,
      sql.raw(caps.timeType),
      (c) => {
        const b = required(c, notNull);
        return caps.checksTimeFormat ? b.check(sql`${sql.ref(name)} glob ${sql.lit(isoInstantGlob)}`) : b;
      },
    ],
    /** A calendar day `YYYY-MM-DD`, text on both. */
    date: (name: string, notNull = true): Column => [
      name,
      'text',
      (c) => {
        const b = required(c, notNull);
        return caps.checksTimeFormat ? b.check(sql`${sql.ref(name)} glob ${sql.lit(isoDateGlob)}`) : b;
      },
    ],
    /** A JSON document. */
    json: (name: string, notNull = true, defaultJson?: string): Column => [
      name,
      sql.raw(caps.jsonType),
      (c) => {
        const b = required(c, notNull);
        return defaultJson === undefined ? b : b.defaultTo(defaultJson);
      },
    ],
    /** Text compared by code point (unit paths), so ranges and prefixes use a plain index. */
    path: (name: string): Column => [
      name,
      'text',
      (c) => (caps.binaryCollation ? c.notNull().modifyEnd(sql.raw(`collate ${caps.binaryCollation}`)) : c.notNull()),
    ],
    /** A store-generated integer primary key. */
    autoId: (name: string): Column =>
      caps.autoIdStyle === 'rowid'
        ? [name, 'integer', (c) => c.primaryKey()]
        : [name, 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity()],
    /** One of a fixed set of words. */
    oneOf: (name: string, values: readonly string[]): Column => [
      name,
      'text',
      (c) => c.notNull().check(sql`${sql.ref(name)} in (${sql.join(values.map((v) => sql.lit(v)))})`),
    ],
  };
}
