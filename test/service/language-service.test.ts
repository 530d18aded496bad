/**
 * The language service as a whole: diagnostics with exact ranges, phases, and a timing
 * check on a realistic 300-character expression.
 */
import { describe, expect, it } from 'vitest';
import { cloudflareScheme } from '../../src/index.js';
import { LanguageService } from '../../src/service/index.js';

const service = new LanguageService(cloudflareScheme());
const firewall = new LanguageService(cloudflareScheme(), { phase: 'http_request_firewall_custom' });

const located = (text: string, s: LanguageService = service): string[] =>
  s.validate(text).map((d) => `${d.code}:${d.severity}:${text.slice(d.span.start, d.span.end)}`);

describe('validate', () => {
  it('reports every diagnostic, errors and warnings, with exact ranges', () => {
    const text = 'http.hots eq "a" or ip.src in {10.0.0.1/8} or ip.geoip.country eq "FR" or regex_replace(http.host, "a", "b") eq "c"';
    expect(located(text)).toEqual([
      'unknown-identifier:error:http.hots',
      'invalid-cidr:error:10.0.0.1/8',
      'deprecated-field:warning:ip.geoip.country',
    ]);
    expect(located(text, firewall)).toEqual([
      'unknown-identifier:error:http.hots',
      'invalid-cidr:error:10.0.0.1/8',
      'deprecated-field:warning:ip.geoip.country',
      'function-not-allowed-in-phase:error:regex_replace',
    ]);
  });

  it('reports syntax errors of broken input', () => {
    expect(located('cf.edge.server_port eq 08 and http.host eq "\\q"')).toEqual(['invalid-int:error:8', 'invalid-escape:error:\\q']);
    expect(service.validate('http.host eq "a" and (ssl or').map((d) => [d.code, d.span.start])).toEqual([['expected-token', 28]]);
    expect(service.validate('ssl')).toEqual([]);
  });

  it('takes the phase from the scheme options too', () => {
    const s = new LanguageService(cloudflareScheme({ options: { phase: 'http_request_firewall_custom' } }));
    expect(s.phase).toBe('http_request_firewall_custom');
    expect(located('to_string(cf.edge.server_port) eq "1"', s)).toEqual(['function-not-allowed-in-phase:error:to_string']);
  });
});

describe('response fields by phase', () => {
  const text = 'http.response.code eq 401 and http.host eq "a" and http.response.code ne 0 and any(http.response.headers["x"][*] eq "1")';

  it('warns once per response field in a request phase, where it never has a value', () => {
    expect(located(text, firewall)).toEqual(['field-not-available-in-phase:warning:http.response.code', 'field-not-available-in-phase:warning:http.response.headers']);
    expect(firewall.validate(text)[0]!.message).toContain('only has a value in response phases; in http_request_firewall_custom it is always missing');
    expect(firewall.validate(text)[0]).toMatchObject({ line: 1, column: 1 });
  });

  it('in a rate limiting rule, points to counting_expression; a counting expression may use them', () => {
    const rule = new LanguageService(cloudflareScheme(), { phase: 'http_ratelimit' });
    expect(rule.validate(text)[0]!.message).toContain('use it in `counting_expression`');
    const counting = new LanguageService(cloudflareScheme(), { phase: 'http_ratelimit', countingExpression: true });
    expect(counting.validate(text)).toEqual([]);
  });

  it('says nothing in response phases, without a phase, or when the expression has errors', () => {
    expect(new LanguageService(cloudflareScheme(), { phase: 'http_response_headers_transform' }).validate(text)).toEqual([]);
    expect(service.validate(text)).toEqual([]);
    expect(located('http.response.code eq "x"', firewall).map((d) => d.split(':')[0])).not.toContain('field-not-available-in-phase');
  });
});

describe('speed', () => {
  const text =
    '(http.request.uri.path contains "/wp-admin" or http.request.uri.path matches "^/xmlrpc\\.php$") and not ip.src in {192.0.2.0/24 198.51.100.0/24} ' +
    'and any(http.request.headers["user-agent"][*] contains "curl") and lower(http.host) eq "www.example.com" and cf.edge.server_port in {80 443} and ssl';

  it('completes and formats a 300-character expression quickly', () => {
    expect(text.length).toBeGreaterThanOrEqual(290);
    const time = (run: () => void): number => {
      for (let i = 0; i < 20; i++) run();
      const start = performance.now();
      const rounds = 200;
      for (let i = 0; i < rounds; i++) run();
      return (performance.now() - start) / rounds;
    };
    const complete = time(() => service.complete(text, text.length));
    const completeMiddle = time(() => service.complete(text, text.indexOf('ip.src') + 7));
    const format = time(() => service.format(text, { width: 60 }));
    const validate = time(() => service.validate(text));
    console.log(`300-char expression: complete ${complete.toFixed(3)} ms (end), ${completeMiddle.toFixed(3)} ms (middle), format ${format.toFixed(3)} ms, validate ${validate.toFixed(3)} ms`);
    // Generous bounds: an editor calls these on every keystroke.
    expect(complete).toBeLessThan(20);
    expect(format).toBeLessThan(20);
  });
});
