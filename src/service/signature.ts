/**
 * Signature help: inside the parentheses of a call (or of `any(`/`all(`), the function's
 * signature with the parameter at the cursor highlighted.
 *
 * @module
 */
import type { SchemeFunction } from '../scheme/environment.js';
import { argumentIndex, lastTokenBefore, lex, openBrackets } from './analysis.js';
import type { SchemeCatalog } from './catalog.js';
import { describeFunction } from './catalog.js';
import { operatorDoc } from './operators.js';
import type { ParameterInfo, SignatureHelpInfo, SignatureInfo } from './types.js';

/** Signature help at `offset`, or `undefined` outside the parentheses of a known call. */
export function signatureHelp(catalog: SchemeCatalog, text: string, offset: number): SignatureHelpInfo | undefined {
  const { tokens } = lex(text);
  const before = lastTokenBefore(tokens, offset);
  const stack = openBrackets(tokens, before + 1);
  // The innermost call: `(`groups, `[`indexes and `{`sets inside its arguments do not count.
  const opener = [...stack].reverse().find((o) => o.kind === 'call' || o.kind === 'quantifier');
  if (opener === undefined) return undefined;
  const name = tokens[opener.index - 1]!.image;
  const active = argumentIndex(tokens, opener.index, offset);
  if (opener.kind === 'quantifier') return { signatures: [quantifierSignature(name)], activeSignature: 0, activeParameter: 0 };
  const fn = catalog.scheme.functionInfo(name);
  if (fn === undefined) return undefined;
  const signature = functionSignature(fn, catalog.phase);
  const last = fn.parameters.length - 1;
  const activeParameter = active > last && fn.parameters[last]?.variadic ? last : active;
  return { signatures: [signature], activeSignature: 0, activeParameter };
}

/**
 * The signature of a function with parameter label offsets. The label is built here (not
 * parsed from `SchemeFunction.signature`) so the offsets are right by construction.
 */
export function functionSignature(fn: SchemeFunction, phase?: string): SignatureInfo {
  let label = `${fn.name}(`;
  const parameters: ParameterInfo[] = [];
  fn.parameters.forEach((p, i) => {
    if (i > 0) label += ', ';
    const text = `${p.name}: ${p.type}${p.variadic ? ', …' : ''}`;
    const shown = p.optional ? `[${text}]` : text;
    const notes = [
      p.kind === 'field' ? 'a field or expression (not a literal)' : p.kind === 'literal' ? 'a literal written in the expression' : undefined,
      p.optional ? 'optional' : undefined,
      p.variadic ? 'may repeat' : undefined,
    ].filter((n) => n !== undefined);
    parameters.push({ label: [label.length, label.length + shown.length], documentation: `\`${p.type}\`${notes.length > 0 ? ` — ${notes.join(', ')}` : ''}` });
    label += shown;
  });
  label += ')';
  if (fn.returns !== 'depends on the arguments') label += ` -> ${fn.returns}`;
  return { label, documentation: describeFunction(fn, phase).replace(/^```[^]*?```\n*/, ''), parameters };
}

function quantifierSignature(name: string): SignatureInfo {
  const label = `${name}(condition: Array<Bool>) -> Bool`;
  const start = name.length + 1;
  return {
    label,
    documentation: operatorDoc(name)?.description,
    parameters: [{ label: [start, start + 'condition: Array<Bool>'.length], documentation: 'a comparison over `[*]`, e.g. `http.request.headers.names[*] eq "x-debug"`' }],
  };
}
