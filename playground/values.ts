/**
 * The request panel's data: a realistic sample request (Cloudflare field values) and the
 * checks of user-edited JSON against the scheme's field types. DOM-free, so it is unit
 * tested in Node.
 */
import { isIpAddress, parseType, type Scheme, type Type } from '../src/index.js';

/** A realistic browser request to a shop, as Cloudflare field values. */
export const SAMPLE_REQUEST: Record<string, unknown> = {
  'http.host': 'example.com',
  'http.request.method': 'GET',
  'http.request.version': 'HTTP/2',
  'http.request.full_uri': 'https://example.com/products/search?q=running+shoes&page=2',
  'http.request.uri': '/products/search?q=running+shoes&page=2',
  'http.request.uri.path': '/products/search',
  'http.request.uri.path.extension': '',
  'http.request.uri.query': 'q=running+shoes&page=2',
  'http.request.uri.args': { q: ['running+shoes'], page: ['2'] },
  'http.request.headers': {
    accept: ['text/html,application/xhtml+xml'],
    'accept-language': ['en-GB,en;q=0.9'],
    cookie: ['session=3f9a1c; theme=dark'],
    referer: ['https://www.google.com/'],
    'user-agent': ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'],
  },
  'http.user_agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'http.referer': 'https://www.google.com/',
  'http.cookie': 'session=3f9a1c; theme=dark',
  'http.request.cookies': { session: ['3f9a1c'], theme: ['dark'] },
  'http.request.accepted_languages': ['en-GB', 'en'],
  'ip.src': '203.0.113.42',
  'ip.src.country': 'GB',
  'ip.src.continent': 'EU',
  'ip.src.city': 'London',
  'ip.src.asnum': 64496,
  'ip.src.is_in_european_union': false,
  ssl: true,
  'cf.tls_version': 'TLSv1.3',
  'cf.edge.server_port': 443,
  'cf.client.bot': false,
  'cf.bot_management.score': 87,
  'cf.bot_management.verified_bot': false,
  'cf.waf.score': 91,
};

/** {@link SAMPLE_REQUEST} as the panel shows it. */
export const SAMPLE_JSON = JSON.stringify(SAMPLE_REQUEST, null, 2);

/** A problem with the request values. */
export interface ValueProblem {
  severity: 'error' | 'warning';
  /** The field (and the path inside it), e.g. `http.request.headers["accept"][0]`. */
  path: string;
  message: string;
  /** 1-based line in the JSON text, when known. */
  line?: number;
}

/** The result of {@link checkRequestValues}. */
export interface CheckedValues {
  /** The parsed values (`undefined` when the JSON is not an object). */
  values?: Record<string, unknown>;
  problems: ValueProblem[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return `the number ${value}`;
  return `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${JSON.stringify(value)}`;
}

function typeProblems(value: unknown, type: Type, path: string, out: Omit<ValueProblem, 'line'>[]): void {
  const wrong = (expected: string): void => {
    out.push({ severity: 'error', path, message: `expected ${expected}, got ${describe(value)}` });
  };
  switch (type.kind) {
    case 'Bytes':
      if (typeof value !== 'string') wrong('a string (Bytes)');
      return;
    case 'Int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) wrong('an integer (Int)');
      return;
    case 'Bool':
      if (typeof value !== 'boolean') wrong('true or false (Bool)');
      return;
    case 'Ip':
      if (!isIpAddress(value)) wrong('an IP address such as "192.0.2.1" (Ip)');
      return;
    case 'Array':
      if (!Array.isArray(value)) {
        wrong('an array');
        return;
      }
      value.forEach((element, i) => typeProblems(element, type.element, `${path}[${i}]`, out));
      return;
    case 'Map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        wrong('an object (Map)');
        return;
      }
      for (const [key, element] of Object.entries(value)) typeProblems(element, type.element, `${path}[${JSON.stringify(key)}]`, out);
      return;
  }
}

/** The 1-based line of the first `"key":` in `json`, if any. */
function lineOfKey(json: string, key: string): number | undefined {
  const at = json.indexOf(`${JSON.stringify(key)}`);
  if (at < 0) return undefined;
  return json.slice(0, at).split('\n').length;
}

/** The 1-based line of a `JSON.parse` error, from its "position N" or "line N". */
function lineOfSyntaxError(json: string, message: string): number | undefined {
  const line = /line (\d+)/.exec(message);
  if (line !== null) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  if (position !== null) return json.slice(0, Number(position[1])).split('\n').length;
  return undefined;
}

/**
 * Parses the panel's JSON and checks every value against its field's type. Wrong types are
 * errors (the library treats such values as missing); unknown fields are warnings (they are
 * ignored), with the scheme's "did you mean" suggestion.
 */
export function checkRequestValues(json: string, scheme: Scheme): CheckedValues {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = lineOfSyntaxError(json, message);
    return { problems: [{ severity: 'error', path: 'JSON', message, ...(line !== undefined && { line }) }] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problems: [{ severity: 'error', path: 'JSON', message: 'expected an object of field values: { "http.host": "example.com", … }' }] };
  }
  const values = parsed as Record<string, unknown>;
  const problems: ValueProblem[] = [];
  for (const [name, value] of Object.entries(values)) {
    const line = lineOfKey(json, name);
    const at = line !== undefined ? { line } : {};
    const field = scheme.fieldInfo(name);
    if (field === undefined) {
      const suggestion = /did you mean `([^`]+)`/.exec(scheme.validate(name)[0]?.message ?? '')?.[1];
      const hint = suggestion !== undefined && scheme.fieldInfo(suggestion) !== undefined ? `; did you mean ${suggestion}?` : '';
      problems.push({ severity: 'warning', path: name, message: `unknown field, ignored${hint}`, ...at });
      continue;
    }
    const type = parseType(field.type);
    if (type === undefined) continue;
    const found: Omit<ValueProblem, 'line'>[] = [];
    typeProblems(value, type, name, found);
    for (const problem of found) {
      problems.push({ ...problem, message: `${problem.message} — treated as missing`, ...at });
    }
    if (field.deprecated !== undefined) {
      problems.push({ severity: 'warning', path: name, message: `deprecated field: ${field.deprecated}`, ...at });
    }
  }
  return { values, problems };
}
