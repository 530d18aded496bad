/**
 * Request field values given as JSON: the shapes a request may come in, and a strict check of
 * each value against its field's type (the evaluator itself silently treats a value of the
 * wrong type as missing, which hides typos in hand-written requests).
 *
 * @module
 */
import { type Clearance, isIpAddress, parseType, type Scheme, type Type, type TypeName } from '../index.js';
import { isObject } from './io.js';

/** One request as the CLI reads it. */
export interface RequestInput {
  values: Record<string, unknown>;
  clearance?: Clearance | null;
  now?: number;
  xhr?: boolean;
  /** Optional label, e.g. the generator's traffic category. */
  category?: string;
}

const WRAPPER_KEYS = new Set(['values', 'clearance', 'now', 'xhr', 'category', 'name', 'label']);
const LEVELS = new Set(['jschallenge', 'managed', 'interactive']);

/** Checks a clearance object; returns a problem or undefined. */
export function clearanceProblem(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isObject(value) || typeof value.level !== 'string' || !LEVELS.has(value.level)) {
    return '"clearance" must be {"level": "jschallenge" | "managed" | "interactive", "issuedAt"?: <Unix seconds>}';
  }
  if (value.issuedAt !== undefined && typeof value.issuedAt !== 'number') return '"clearance.issuedAt" must be Unix seconds (a number)';
  return undefined;
}

/**
 * Reads one request: field values, or `{"values": {...}, "clearance"?, "now"?, "xhr"?}`.
 * Throws an Error with a short message for other shapes.
 */
export function readRequest(value: unknown): RequestInput {
  if (!isObject(value)) throw new Error(`expected a JSON object of field values, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  if (!isObject(value.values) || !Object.keys(value).every((k) => WRAPPER_KEYS.has(k))) return { values: value };
  const problem = clearanceProblem(value.clearance);
  if (problem !== undefined) throw new Error(problem);
  if (value.now !== undefined && typeof value.now !== 'number') throw new Error('"now" must be Unix seconds (a number)');
  if (value.xhr !== undefined && typeof value.xhr !== 'boolean') throw new Error('"xhr" must be true or false');
  return {
    values: value.values,
    ...(value.clearance !== undefined && { clearance: value.clearance as Clearance | null }),
    ...(value.now !== undefined && { now: value.now as number }),
    ...(value.xhr !== undefined && { xhr: value.xhr as boolean }),
    ...(typeof value.category === 'string' && { category: value.category }),
  };
}

/** Problems of one value against a type (empty = valid). `where` names the value in messages. */
export function valueProblems(type: Type, value: unknown, where: string, problems: string[] = []): string[] {
  switch (type.kind) {
    case 'Bytes':
      if (typeof value !== 'string') problems.push(`${where}: expected a string (Bytes), got ${describe(value)}`);
      break;
    case 'Int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) problems.push(`${where}: expected an integer (Int), got ${describe(value)}`);
      break;
    case 'Bool':
      if (typeof value !== 'boolean') problems.push(`${where}: expected true or false (Bool), got ${describe(value)}`);
      break;
    case 'Ip':
      if (!isIpAddress(value)) problems.push(`${where}: expected an IPv4 or IPv6 address (Ip), got ${describe(value)}`);
      break;
    case 'Array':
      if (!Array.isArray(value)) problems.push(`${where}: expected an array, got ${describe(value)}`);
      else value.forEach((element, i) => valueProblems(type.element, element, `${where}[${i}]`, problems));
      break;
    case 'Map':
      if (!isObject(value)) problems.push(`${where}: expected an object (Map), got ${describe(value)}`);
      else for (const [key, element] of Object.entries(value)) valueProblems(type.element, element, `${where}[${JSON.stringify(key)}]`, problems);
      break;
  }
  return problems;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Problems of request values against a scheme: unknown fields and values of the wrong type. */
export function requestProblems(scheme: Scheme, values: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const info = scheme.fieldInfo(name);
    if (info === undefined) {
      problems.push(`${name}: not a field of the scheme (ignored)`);
      continue;
    }
    const type = parseType(info.type as TypeName);
    if (type !== undefined) valueProblems(type, value, name, problems);
  }
  return problems;
}
