/**
 * Logpush timestamps → milliseconds since the Unix epoch.
 *
 * A Logpush job writes `EdgeStartTimestamp` (and the other `*Timestamp` fields) in the format
 * its `timestamp_format` output option selects: `unixnano` (the default: an integer of
 * nanoseconds), `unix` (an integer of seconds), `rfc3339` (`2024-05-01T12:34:56Z`),
 * `rfc3339ms` / `rfc3339ns` (with 3 or 9 fractional digits). Pipelines in between (Logpull,
 * SIEM exports, `jq`) sometimes turn the integers into strings or keep milliseconds. Nothing in
 * a record names the format, so it is recognised from the value alone:
 *
 * - a string in RFC 3339 form (any number of fractional digits, `Z` or a `±hh:mm` offset);
 * - an integer — a JSON number, a `bigint`, or a string of digits — whose magnitude tells its
 *   unit: below 10^11 seconds, below 10^14 milliseconds, below 10^17 microseconds, else
 *   nanoseconds. These ranges cannot be confused between 1973 and 5138 (10^11 s is year 5138;
 *   10^11 ms is March 1973);
 * - a decimal number of seconds (`1714566896.789`, numbers or strings).
 *
 * Precision: digit strings and RFC 3339 fractions are cut to milliseconds exactly (never
 * rounded up). A nanosecond count as a JSON *number* has already lost precision in
 * `JSON.parse` (doubles hold 2^53 exactly; today's nanoseconds are ~1.7·10^18, so the value is
 * off by up to 128 ns): it is exact to the millisecond except within 128 ns of a millisecond
 * boundary, where it may land on the next millisecond. A string or `bigint` is always exact.
 *
 * @module
 */

/** The latest accepted instant, 9999-12-31T23:59:59.999Z: later values are not timestamps. */
const MAX_MS = 253402300799999;
/** Upper bounds of the unit ranges, as powers of ten (seconds < 10^11 ≤ ms < 10^14 ≤ µs < 10^17 ≤ ns). */
const SECONDS_BELOW = 1e11;
const MILLISECONDS_BELOW = 1e14;
const MICROSECONDS_BELOW = 1e17;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const DIGITS = /^\d{1,30}$/;
const DECIMAL_SECONDS = /^(\d{1,11})\.(\d{1,12})$/;

const inRange = (ms: number): number | undefined => (Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_MS ? ms : undefined);

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The first three digits of a fraction as milliseconds (`"5"` → 500, `"123456"` → 123). */
const fractionMs = (fraction: string): number => Number(fraction.slice(0, 3).padEnd(3, '0'));

function rfc3339Ms(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth(year!, month!)) return undefined;
  // Second 60 is a leap second: it reads as the first instant of the next minute.
  if (hour! > 23 || minute! > 59 || second! > 60) return undefined;
  let ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) + (m[7] === undefined ? 0 : fractionMs(m[7]));
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    const offset = (offsetHours * 60 + offsetMinutes) * 60000;
    ms += m[9] === '+' ? -offset : offset;
  }
  return inRange(ms);
}

/** An integer written in decimal digits, unit chosen by magnitude, cut to milliseconds exactly. */
function digitsMs(digits: string): number | undefined {
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  // Digit counts equivalent to the magnitude bounds: ≤ 11 digits is below 10^11, and so on.
  const length = trimmed.length;
  if (length <= 11) return inRange(Number(trimmed) * 1000);
  const dropped = length <= 14 ? 0 : length <= 17 ? 3 : 6;
  return inRange(Number(trimmed.slice(0, length - dropped)));
}

function numberMs(value: number): number | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  // Seconds may carry a fraction; rounding to the microsecond first keeps 0.123 s from
  // becoming 122.99999 ms before the cut to milliseconds.
  if (value < SECONDS_BELOW) return inRange(Math.floor(Math.round(value * 1e6) / 1e3));
  if (value < MILLISECONDS_BELOW) return inRange(Math.floor(value));
  if (value < MICROSECONDS_BELOW) return inRange(Math.floor(value / 1e3));
  return inRange(Math.floor(value / 1e6));
}

/**
 * Milliseconds since the Unix epoch of a Logpush timestamp in any of its formats (see the
 * module comment for the detection rule), or `undefined` when the value is not a timestamp
 * (wrong type, malformed, negative, or after the year 9999).
 *
 * ```ts
 * logpushTimestampMs('2024-05-01T12:34:56.789123456Z'); // 1714566896789
 * logpushTimestampMs(1714566896);                       // 1714566896000
 * logpushTimestampMs('1714566896789123456');            // 1714566896789
 * ```
 */
export function logpushTimestampMs(value: unknown): number | undefined {
  if (typeof value === 'number') return numberMs(value);
  if (typeof value === 'bigint') return value < 0n ? undefined : digitsMs(value.toString());
  if (typeof value !== 'string' || value.length > 40) return undefined;
  if (DIGITS.test(value)) return digitsMs(value);
  const decimal = DECIMAL_SECONDS.exec(value);
  if (decimal !== null) return inRange(Number(decimal[1]) * 1000 + fractionMs(decimal[2]!));
  return rfc3339Ms(value);
}
