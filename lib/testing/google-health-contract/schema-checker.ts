import type { DiscoverySchema } from './discovery-document.js';

/** One place where a value breaks the contract: a JSON path (`rollupDataPoints[0].steps.countSum`) and what is wrong. */
export interface SchemaProblem {
  path: string;
  problem: string;
}

/**
 * `request`: what a client sends (output-only fields may be left out even when required);
 * `response`: what the API answers.
 */
export type SchemaDirection = 'request' | 'response';

const INT64 = /^-?(0|[1-9]\d*)$/;
const UINT64 = /^(0|[1-9]\d*)$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const DURATION = /^-?\d+(\.\d{1,9})?s$/;
const FIELD_MASK = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*(,[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^[A-Za-z0-9_-]*$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : `${typeof value} ${JSON.stringify(value)}`.slice(0, 80));

function isRealDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [, year, month, day, hours, minutes, seconds] = match.map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && hours! < 24 && minutes! < 60 && seconds! < 60
  );
}

/** Why a string breaks its format, or null (unknown formats are not checked). */
function formatProblem(format: string | undefined, value: string): string | null {
  switch (format) {
    case 'int64':
      if (!INT64.test(value)) return `expected an int64 as a decimal string without leading zeros, got ${JSON.stringify(value)}`;
      return BigInt(value) > 2n ** 63n - 1n || BigInt(value) < -(2n ** 63n) ? `${value} is out of the int64 range` : null;
    case 'uint64':
      if (!UINT64.test(value)) return `expected a uint64 as a decimal string without leading zeros, got ${JSON.stringify(value)}`;
      return BigInt(value) > 2n ** 64n - 1n ? `${value} is out of the uint64 range` : null;
    case 'google-datetime':
      return isRealDateTime(value) ? null : `expected an RFC 3339 timestamp (google-datetime), got ${JSON.stringify(value)}`;
    case 'google-duration':
      return DURATION.test(value) ? null : `expected a duration in seconds such as "3600s" (google-duration), got ${JSON.stringify(value)}`;
    case 'google-fieldmask':
      return value === '' || FIELD_MASK.test(value) ? null : `expected a field mask (google-fieldmask), got ${JSON.stringify(value)}`;
    case 'byte':
      return BASE64.test(value) ? null : `expected base64 bytes, got ${JSON.stringify(value)}`;
    default:
      return null;
  }
}

function integerProblem(format: string | undefined, value: number): string | null {
  if (!Number.isInteger(value)) return `expected an integer, got ${value}`;
  if (format === 'uint32' && (value < 0 || value > UINT32_MAX)) return `${value} is out of the uint32 range`;
  if (format !== 'uint32' && (value < INT32_MIN || value > INT32_MAX)) return `${value} is out of the int32 range`;
  return null;
}

/**
 * Checks JSON values against the `schemas` of a Google discovery document: types, formats
 * (int64 and uint64 as decimal strings, google-datetime, google-duration, google-fieldmask, byte,
 * int32/uint32 ranges), enums, nested objects and arrays, `$ref`, `additionalProperties`, fields the
 * schema does not name, and fields marked `x-required`.
 *
 * Deliberately stricter than Google's own JSON parser, which also takes numbers for int64 and
 * strings for int32: the contract says how Google writes each field, and a client should send the
 * same.
 */
export class SchemaChecker {
  constructor(private readonly schemas: Readonly<Record<string, DiscoverySchema>>) {}

  /** The problems of `value` against the named schema (empty when it conforms). */
  check(schemaName: string, value: unknown, direction: SchemaDirection): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    this.visit({ $ref: schemaName }, value, '', direction, problems);
    return problems;
  }

  has(schemaName: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.schemas, schemaName);
  }

  /** The schema a `$ref` names; throws for a name the document does not define. */
  resolve(schema: DiscoverySchema): DiscoverySchema {
    if (schema.$ref === undefined) return schema;
    const target = this.schemas[schema.$ref];
    if (!target) throw new Error(`The discovery document defines no schema ${schema.$ref}`);
    return target;
  }

  private visit(reference: DiscoverySchema, value: unknown, path: string, direction: SchemaDirection, problems: SchemaProblem[]): void {
    const schema = this.resolve(reference);
    const fail = (problem: string) => problems.push({ path: path || '(root)', problem });
    switch (schema.type) {
      case 'any':
      case undefined:
        return;
      case 'object': {
        if (!isPlainObject(value)) return void fail(`expected an object${schema.id ? ` (${schema.id})` : ''}, got ${describe(value)}`);
        const properties = schema.properties ?? {};
        for (const [name, child] of Object.entries(value)) {
          const childPath = path ? `${path}.${name}` : name;
          const property = Object.prototype.hasOwnProperty.call(properties, name) ? properties[name] : schema.additionalProperties;
          if (!property) {
            problems.push({ path: childPath, problem: `unknown field: ${schema.id ?? 'the object'} has no field "${name}"` });
            continue;
          }
          this.visit(property, child, childPath, direction, problems);
        }
        for (const [name, property] of Object.entries(properties)) {
          if (!property['x-required'] || value[name] !== undefined) continue;
          if (direction === 'request' && (property.readOnly || this.resolve(property).readOnly)) continue;
          problems.push({ path: path ? `${path}.${name}` : name, problem: `required field missing in ${schema.id ?? 'the object'}` });
        }
        return;
      }
      case 'array':
        if (!Array.isArray(value)) return void fail(`expected an array, got ${describe(value)}`);
        value.forEach((item, index) => this.visit(schema.items ?? { type: 'any' }, item, `${path}[${index}]`, direction, problems));
        return;
      case 'string': {
        if (typeof value !== 'string') {
          return void fail(`expected a string${schema.format ? ` (${schema.format})` : ''}, got ${describe(value)}`);
        }
        if (schema.enum && !schema.enum.includes(value)) return void fail(`${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
        const problem = formatProblem(schema.format, value);
        if (problem) fail(problem);
        return;
      }
      case 'integer': {
        if (typeof value !== 'number') return void fail(`expected an integer${schema.format ? ` (${schema.format})` : ''}, got ${describe(value)}`);
        const problem = integerProblem(schema.format, value);
        if (problem) fail(problem);
        return;
      }
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) fail(`expected a number, got ${describe(value)}`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') fail(`expected a boolean, got ${describe(value)}`);
        return;
    }
  }
}
