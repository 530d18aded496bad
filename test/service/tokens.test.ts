/**
 * Semantic tokens: every token in order, classified with the scheme's knowledge.
 */
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, Scheme } from '../../src/index.js';
import { LanguageService, type SemanticToken } from '../../src/service/index.js';

const service = new LanguageService(cloudflareScheme());

/** `text` of each token with its type and modifiers, e.g. `ip.src:field`. */
function shown(text: string, tokens: SemanticToken[]): string[] {
  return tokens.map((t) => `${text.slice(t.span.start, t.span.end)}:${t.type}${t.modifiers.map((m) => `+${m}`).join('')}`);
}

describe('semanticTokens', () => {
  it.each([
    ['ip.src in {10.0.0.0/8 2001:db8::/32}', ['ip.src:field', 'in:keyword', '{:punctuation', '10.0.0.0/8:ip', '2001:db8::/32:ip', '}:punctuation']],
    ['cf.edge.server_port in {80 443..450} or cf.edge.server_port & 0x1', ['cf.edge.server_port:field', 'in:keyword', '{:punctuation', '80:number', '443..450:number', '}:punctuation', 'or:keyword', 'cf.edge.server_port:field', '&:operator', '0x1:number']],
    ['not ip.geoip.country eq "FR"', ['not:keyword', 'ip.geoip.country:field+deprecated', 'eq:keyword', '"FR":string']],
    ['http.request.uri.path matches "^/a" && http.host ~ r"x"', ['http.request.uri.path:field', 'matches:keyword', '"^/a":regexp', '&&:operator', 'http.host:field', '~:operator', 'r"x":regexp']],
    ['lower(http.hots) == nosuch(1)', ['lower:function', '(:punctuation', 'http.hots:field+invalid', '):punctuation', '==:operator', 'nosuch:function+invalid', '(:punctuation', '1:number', '):punctuation']],
    ['any(http.request.headers["a"][*] eq "b")', ['any:keyword', '(:punctuation', 'http.request.headers:field', '[:punctuation', '"a":string', ']:punctuation', '[:punctuation', '*:punctuation', ']:punctuation', 'eq:keyword', '"b":string', '):punctuation']],
    ['http.host eq 6f:72 and true', ['http.host:field', 'eq:keyword', '6f:72:string', 'and:keyword', 'true:keyword']],
    ['ip.src in $cf.vpn or ip.src in $nope', ['ip.src:field', 'in:keyword', '$cf.vpn:list', 'or:keyword', 'ip.src:field', 'in:keyword', '$nope:list+invalid']],
    ['ssl @ and\tssl', ['ssl:field', '@:unknown+invalid', 'and:keyword', '\t:unknown+invalid', 'ssl:field']],
    ['http.host eq "unterminated', ['http.host:field', 'eq:keyword', '"unterminated:string']],
  ])('%s', (text, expected) => {
    const tokens = service.semanticTokens(text);
    expect(shown(text, tokens)).toEqual(expected);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!.span.start).toBeGreaterThanOrEqual(tokens[i - 1]!.span.end);
  });

  it('does not mark list references invalid when the scheme has no lists', () => {
    const scheme = new Scheme({ fields: { 'ip.src': 'Ip' } });
    const tokens = new LanguageService(scheme).semanticTokens('ip.src in $office');
    expect(tokens[2]).toMatchObject({ type: 'list', modifiers: [] });
  });
});
