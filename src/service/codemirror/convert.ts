/**
 * Pure conversions between the language service's data and CodeMirror's: snippet syntax,
 * semantic token → highlight tag and CSS class, completion kinds → icons, diagnostics →
 * lint diagnostics with quick fixes. No DOM, no editor state: testable anywhere.
 *
 * @module
 */
import { tags, type Tag } from '@lezer/highlight';
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import type { CompletionKind, SemanticToken, SemanticTokenType } from '../types.js';

/** A piece of an LSP snippet: literal text, or a tab stop with its placeholder text. */
export type SnippetPart = { text: string } | { stop: number; placeholder: string };

/**
 * Parses TextMate/LSP snippet syntax (`$1`, `${1}`, `${1:text}` with nested placeholders,
 * `${1|a,b|}` choices, `$0`, `\$ \} \\` escapes). `${NAME:default}` variables become their
 * default text; `$name` and a `$` that starts nothing stay literal (the language's `$list`).
 */
export function parseLspSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let text = '';
  const pushText = (t: string): void => {
    text += t;
  };
  const flush = (): void => {
    if (text !== '') parts.push({ text });
    text = '';
  };

  /** Reads placeholder text up to the matching `}` from `at`; returns [text, index after `}`]. */
  const readNested = (at: number, stopChars: string): [string, number] => {
    let out = '';
    let i = at;
    while (i < snippet.length) {
      const c = snippet[i]!;
      if (c === '\\' && i + 1 < snippet.length && '$}\\,|'.includes(snippet[i + 1]!)) {
        out += snippet[i + 1];
        i += 2;
        continue;
      }
      if (stopChars.includes(c)) return [out, i];
      if (c === '$') {
        const [inner, next] = readElement(i);
        if (inner !== undefined) {
          out += inner.kind === 'stop' ? inner.placeholder : inner.text;
          i = next;
          continue;
        }
      }
      out += c;
      i++;
    }
    return [out, i];
  };

  type Element = { kind: 'stop'; stop: number; placeholder: string } | { kind: 'text'; text: string };
  /** Reads a `$…` element at `at` (which holds `$`); `undefined` when it is a literal `$`. */
  const readElement = (at: number): [Element | undefined, number] => {
    const rest = snippet.slice(at + 1);
    let m = /^(\d+)/.exec(rest);
    if (m !== null) return [{ kind: 'stop', stop: Number(m[1]), placeholder: '' }, at + 1 + m[0].length];
    // `$name` stays literal: the Rules language writes lists as `$name`, and snippets that
    // forget to escape them should still insert them.
    m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (m !== null) return [{ kind: 'text', text: `$${m[0]}` }, at + 1 + m[0].length];
    if (rest[0] !== '{') return [undefined, at + 1];
    m = /^\{(\d+)/.exec(rest);
    if (m !== null) {
      let i = at + 1 + m[0].length;
      const stop = Number(m[1]);
      if (snippet[i] === '}') return [{ kind: 'stop', stop, placeholder: '' }, i + 1];
      if (snippet[i] === ':') {
        const [placeholder, end] = readNested(i + 1, '}');
        return [{ kind: 'stop', stop, placeholder }, end + 1];
      }
      if (snippet[i] === '|') {
        const [choices, end] = readNested(i + 1, '|');
        i = end + 1;
        if (snippet[i] === '}') i++;
        return [{ kind: 'stop', stop, placeholder: choices.split(',')[0] ?? '' }, i];
      }
      return [undefined, at + 1];
    }
    m = /^\{([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (m !== null) {
      const i = at + 1 + m[0].length;
      if (snippet[i] === '}') return [{ kind: 'text', text: '' }, i + 1];
      if (snippet[i] === ':') {
        const [fallback, end] = readNested(i + 1, '}');
        return [{ kind: 'text', text: fallback }, end + 1];
      }
      // A transform (`${NAME/…/…/}`): not supported, skip it whole.
      const end = snippet.indexOf('}', i);
      return [{ kind: 'text', text: '' }, end < 0 ? snippet.length : end + 1];
    }
    return [undefined, at + 1];
  };

  for (let i = 0; i < snippet.length; ) {
    const c = snippet[i]!;
    if (c === '\\' && i + 1 < snippet.length && '$}\\'.includes(snippet[i + 1]!)) {
      pushText(snippet[i + 1]!);
      i += 2;
      continue;
    }
    if (c === '$') {
      const [element, next] = readElement(i);
      if (element === undefined) {
        pushText('$');
        i = next;
        continue;
      }
      if (element.kind === 'text') pushText(element.text);
      else {
        flush();
        parts.push({ stop: element.stop, placeholder: element.placeholder });
      }
      i = next;
      continue;
    }
    pushText(c);
    i++;
  }
  flush();
  return parts;
}

/**
 * Converts an LSP snippet to a CodeMirror `snippet()` template: `${1:x}` stays numbered,
 * `$0` becomes `${0}` (the final cursor), literal braces are escaped (`\{`, `\}`), and a
 * final `${0}` is added at the end when the snippet has tab stops but no `$0` (LSP puts
 * the cursor there). Returns plain text (no fields) unchanged apart from escaping.
 */
export function lspSnippetToCodeMirror(snippet: string): string {
  const parts = parseLspSnippet(snippet);
  const escape = (t: string): string => t.replace(/[{}]/g, (b) => `\\${b}`);
  let template = '';
  let stops = 0;
  let hasFinal = false;
  for (const part of parts) {
    if ('text' in part) {
      template += escape(part.text);
      continue;
    }
    stops++;
    if (part.stop === 0) hasFinal = true;
    // CodeMirror's field names cannot contain braces.
    const name = part.placeholder.replace(/[{}]/g, '');
    template += name === '' ? `\${${part.stop}}` : `\${${part.stop}:${name}}`;
  }
  if (stops > 0 && !hasFinal) template += '${0}';
  return template;
}

/** The plain text an LSP snippet inserts (placeholders as their text, tab stops removed). */
export function lspSnippetText(snippet: string): string {
  return parseLspSnippet(snippet)
    .map((p) => ('text' in p ? p.text : p.placeholder))
    .join('');
}

/** The `@lezer/highlight` tag of each semantic token type (what highlight styles color). */
export const TOKEN_TAGS: Readonly<Record<SemanticTokenType, Tag>> = {
  field: tags.variableName,
  function: tags.function(tags.variableName),
  keyword: tags.keyword,
  operator: tags.operator,
  string: tags.string,
  regexp: tags.regexp,
  number: tags.number,
  ip: tags.atom,
  list: tags.special(tags.variableName),
  punctuation: tags.punctuation,
  unknown: tags.invalid,
};

/** The highlight tags of a token: its type's tag, plus `invalid` for invalid tokens. */
export function tokenTags(token: Pick<SemanticToken, 'type' | 'modifiers'>): Tag[] {
  const result = [TOKEN_TAGS[token.type]];
  if (token.modifiers.includes('invalid') && token.type !== 'unknown') result.push(tags.invalid);
  return result;
}

/**
 * The stable CSS classes of a token's decoration: `cm-wf-<type>` plus `cm-wf-<modifier>`
 * (`cm-wf-deprecated` is struck through by the default theme, `cm-wf-invalid` marks unknown
 * names). Colors come from the highlight style through {@link tokenTags}.
 */
export function tokenClasses(token: Pick<SemanticToken, 'type' | 'modifiers'>): string {
  return [`cm-wf-${token.type}`, ...token.modifiers.map((m) => `cm-wf-${m}`)].join(' ');
}

/** The CodeMirror completion `type` (icon) of a completion kind. */
export function completionType(kind: CompletionKind, label = ''): string {
  switch (kind) {
    case 'field':
      return label.endsWith('.') ? 'namespace' : 'property';
    case 'function':
      return 'function';
    case 'operator':
    case 'keyword':
      return 'keyword';
    case 'list':
      return 'constant';
    case 'value':
      return 'text';
    case 'snippet':
      return 'snippet';
  }
}

/** A quick fix for a diagnostic: replace its range by `insert`. */
export interface QuickFix {
  /** Button label, e.g. ``Use `ip.src.country` ``. */
  name: string;
  insert: string;
}

/**
 * Quick fixes the diagnostic's message proposes: "did you mean `x`?" (unknown names) and
 * "use x instead" (deprecated fields).
 */
export function quickFixes(diagnostic: Pick<Diagnostic, 'code' | 'message'>): QuickFix[] {
  const fixes: QuickFix[] = [];
  const suggestion = /did you mean `([^`]+)`\?/.exec(diagnostic.message)?.[1];
  if (suggestion !== undefined) fixes.push({ name: `Change to ${suggestion}`, insert: suggestion });
  if (diagnostic.code === 'deprecated-field') {
    const replacement = /use ([A-Za-z0-9_.]*[A-Za-z0-9_]) instead/.exec(diagnostic.message)?.[1];
    if (replacement !== undefined) fixes.push({ name: `Use ${replacement}`, insert: replacement });
  }
  return fixes;
}

/** A lint diagnostic without CodeMirror's functions (see {@link toLintDiagnostic}). */
export interface LintDiagnosticData {
  from: number;
  to: number;
  severity: 'error' | 'warning' | 'info';
  /** The library's message followed by the code, e.g. ``unknown identifier `x` [unknown-identifier]``. */
  message: string;
  source: 'wirefilter';
  fixes: QuickFix[];
}

/**
 * Converts a library diagnostic to lint data for the document `text`, clipping its span. An
 * empty span (e.g. "found the end of the expression") is widened to the character after it,
 * or before it at the end of a line, so the editor underlines text instead of drawing a
 * zero-width widget (which also gets in the way of native deletion).
 */
export function toLintDiagnostic(diagnostic: Diagnostic, text: string): LintDiagnosticData {
  const length = text.length;
  let from = Math.max(0, Math.min(diagnostic.span.start, length));
  let to = Math.max(from, Math.min(diagnostic.span.end, length));
  if (from === to) {
    if (to < length && text[to] !== '\n') to++;
    else if (from > 0 && text[from - 1] !== '\n') from--;
  }
  return {
    from,
    to,
    severity: diagnostic.severity,
    message: `${diagnostic.message} [${diagnostic.code}]`,
    source: 'wirefilter',
    fixes: quickFixes(diagnostic),
  };
}

/**
 * The smallest change turning `before` into `after` (common prefix and suffix kept), so a
 * reformat keeps the cursor and undo history local.
 */
export function minimalChange(before: string, after: string): { from: number; to: number; insert: string } | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < max - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  ) {
    end++;
  }
  return { from: start, to: before.length - end, insert: after.slice(start, after.length - end) };
}
