/**
 * A tiny Markdown subset for editor tooltips: the language service writes hover texts,
 * completion documentation and diagnostic messages in Markdown. Only what those texts use is
 * understood — paragraphs, fenced code blocks, `-`/`1.` lists, headings (shown bold),
 * `code spans`, **bold**, *emphasis* and `[links](https://…)` — and the result is built with
 * `createElement`/`createTextNode` only: text is never parsed as HTML, so nothing in a
 * description, a field name or a user's expression can inject markup.
 *
 * Parsing ({@link parseMarkdown}, {@link parseInline}) is pure and DOM-free; rendering
 * ({@link renderMarkdown}, {@link renderInline}) needs a `document`-like object.
 *
 * @module
 */

/** A piece of inline Markdown. */
export type MarkdownInline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: MarkdownInline[] }
  | { kind: 'em'; children: MarkdownInline[] }
  | { kind: 'link'; href: string; children: MarkdownInline[] };

/** A block of Markdown. */
export type MarkdownBlock =
  | { kind: 'paragraph'; content: MarkdownInline[] }
  | { kind: 'heading'; content: MarkdownInline[] }
  | { kind: 'code'; language: string; text: string }
  | { kind: 'list'; ordered: boolean; items: MarkdownInline[][] };

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+-]*)\s*$/;
const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const ESCAPABLE = /[\\`*_{}[\]()#+\-.!|~<>"$]/;

/** Splits Markdown into blocks (pure; never throws). */
export function parseMarkdown(markdown: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  const lines = markdown.split(/\r\n?|\n/);
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;

  const flushParagraph = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', content: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };
  const flushList = (): void => {
    if (list !== undefined) blocks.push({ kind: 'list', ordered: list.ordered, items: list.items.map(parseInline) });
    list = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence !== null) {
      flushParagraph();
      flushList();
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      for (; i < lines.length; i++) {
        const closing = lines[i]!.trim();
        if (closing.length >= marker.length && closing === marker[0]!.repeat(closing.length)) break;
        body.push(lines[i]!);
      }
      blocks.push({ kind: 'code', language: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flushParagraph();
      flushList();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading !== null) {
      flushParagraph();
      flushList();
      blocks.push({ kind: 'heading', content: parseInline(heading[1]!) });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item !== null) {
      flushParagraph();
      const ordered = /\d/.test(item[1]!);
      if (list !== undefined && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push(item[2]!);
      continue;
    }
    if (list !== undefined && /^\s/.test(line)) {
      // A continuation line of the last list item.
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    flushList();
    paragraph.push(line.trim());
  }
  flushParagraph();
  flushList();
  return blocks;
}

/** Length of the run of `char` starting at `at`. */
function runLength(text: string, at: number, char: string): number {
  let end = at;
  while (text[end] === char) end++;
  return end - at;
}

/** Where the backtick run of length `length` that closes a code span opened before `from` starts, or -1. */
function closingBackticks(text: string, from: number, length: number): number {
  for (let i = from; i < text.length; ) {
    if (text[i] !== '`') {
      i++;
      continue;
    }
    const run = runLength(text, i, '`');
    if (run === length) return i;
    i += run;
  }
  return -1;
}

/** Where the emphasis `marker` opened before `from` closes (skipping code spans), or -1. */
function closingMarker(text: string, from: number, marker: string): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '`') {
      const run = runLength(text, i, '`');
      const close = closingBackticks(text, i + run, run);
      if (close >= 0) i = close + run - 1;
      else i += run - 1;
      continue;
    }
    if (!text.startsWith(marker, i) || i === from || /\s/.test(text[i - 1]!)) continue;
    if (marker.length === 2) {
      // `***` closing `**…*…***`: the inner single marker takes the first star.
      const run = runLength(text, i, marker[0]!);
      return i + run - 2;
    }
    if (marker.length === 1) {
      // A single marker is not the first half of a double one (`*a **b** c*`).
      if (text[i + 1] === marker) {
        const inner = closingMarker(text, i + 2, marker + marker);
        if (inner >= 0) {
          i = inner + 1;
          continue;
        }
      }
      if (marker === '_' && /[\p{L}\p{N}]/u.test(text[i + 1] ?? '')) continue;
    }
    return i;
  }
  return -1;
}

/** Parses inline Markdown (code spans, bold, emphasis, links, backslash escapes). Pure. */
export function parseInline(text: string): MarkdownInline[] {
  const out: MarkdownInline[] = [];
  let buffer = '';
  const flush = (): void => {
    if (buffer !== '') out.push({ kind: 'text', text: buffer });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1]!)) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const run = runLength(text, i, '`');
      const close = closingBackticks(text, i + run, run);
      if (close < 0) {
        buffer += text.slice(i, i + run);
        i += run;
        continue;
      }
      let code = text.slice(i + run, close);
      if (code.length >= 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') code = code.slice(1, -1);
      flush();
      out.push({ kind: 'code', text: code });
      i = close + run;
      continue;
    }
    if (c === '*' || c === '_') {
      const marker = text[i + 1] === c ? c + c : c;
      const opens =
        /\S/.test(text[i + marker.length] ?? '') && (c === '*' || i === 0 || !/[\p{L}\p{N}]/u.test(text[i - 1]!));
      const close = opens ? closingMarker(text, i + marker.length, marker) : -1;
      if (close > i + marker.length) {
        flush();
        const children = parseInline(text.slice(i + marker.length, close));
        out.push(marker.length === 2 ? { kind: 'strong', children } : { kind: 'em', children });
        i = close + marker.length;
        continue;
      }
      buffer += marker;
      i += marker.length;
      continue;
    }
    if (c === '[') {
      const link = /^\[([^\]]*)\]\(([^()\s]*)\)/.exec(text.slice(i));
      if (link !== null) {
        flush();
        out.push({ kind: 'link', href: link[2]!, children: parseInline(link[1]!) });
        i += link[0].length;
        continue;
      }
    }
    buffer += c;
    i++;
  }
  flush();
  return out;
}

/** The part of `Document` the renderer uses (a real `document`, or a stand-in in tests). */
export interface MarkdownDocument {
  createElement(tagName: string): MarkdownElement;
  createTextNode(text: string): unknown;
}

/** The part of an element the renderer uses. */
export interface MarkdownElement {
  className: string;
  appendChild(child: never): unknown;
  setAttribute(name: string, value: string): void;
}

/** Options of {@link renderMarkdown}. */
export interface RenderMarkdownOptions {
  /** The document to create nodes in (default: the global `document`). */
  document?: MarkdownDocument;
  /**
   * Renders the content of a fenced code block, e.g. with syntax highlighting; return
   * `undefined` for the plain text. Must not parse `code` as HTML.
   */
  highlightCode?: (code: string, language: string) => MarkdownElement | undefined;
}

type Append = (parent: MarkdownElement, child: unknown) => void;
const append: Append = (parent, child) => {
  parent.appendChild(child as never);
};

/** Renders inline Markdown into `parent` with DOM calls only (no HTML parsing). */
export function renderInline(nodes: readonly MarkdownInline[], parent: MarkdownElement, doc: MarkdownDocument): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        append(parent, doc.createTextNode(node.text));
        break;
      case 'code': {
        const code = doc.createElement('code');
        append(code, doc.createTextNode(node.text));
        append(parent, code);
        break;
      }
      case 'strong':
      case 'em': {
        const element = doc.createElement(node.kind);
        renderInline(node.children, element, doc);
        append(parent, element);
        break;
      }
      case 'link': {
        // Only web links become anchors: `javascript:` and the like stay plain text.
        const safe = /^https?:\/\//i.test(node.href);
        const element = doc.createElement(safe ? 'a' : 'span');
        if (safe) {
          element.setAttribute('href', node.href);
          element.setAttribute('target', '_blank');
          element.setAttribute('rel', 'noopener noreferrer');
        }
        renderInline(node.children, element, doc);
        append(parent, element);
        break;
      }
    }
  }
}

/**
 * Renders Markdown as a `div.cm-wf-markdown` built with `createElement`/`createTextNode`
 * only — never `innerHTML` — so untrusted text cannot inject markup.
 */
export function renderMarkdown(markdown: string, options: RenderMarkdownOptions = {}): MarkdownElement {
  const doc = options.document ?? (globalThis as unknown as { document: MarkdownDocument }).document;
  const root = doc.createElement('div');
  root.className = 'cm-wf-markdown';
  for (const block of parseMarkdown(markdown)) {
    switch (block.kind) {
      case 'paragraph':
      case 'heading': {
        const p = doc.createElement('p');
        if (block.kind === 'heading') {
          const strong = doc.createElement('strong');
          renderInline(block.content, strong, doc);
          append(p, strong);
        } else {
          renderInline(block.content, p, doc);
        }
        append(root, p);
        break;
      }
      case 'code': {
        const pre = doc.createElement('pre');
        const highlighted = options.highlightCode?.(block.text, block.language);
        if (highlighted !== undefined) {
          append(pre, highlighted);
        } else {
          const code = doc.createElement('code');
          append(code, doc.createTextNode(block.text));
          append(pre, code);
        }
        append(root, pre);
        break;
      }
      case 'list': {
        const list = doc.createElement(block.ordered ? 'ol' : 'ul');
        for (const item of block.items) {
          const li = doc.createElement('li');
          renderInline(item, li, doc);
          append(list, li);
        }
        append(root, list);
        break;
      }
    }
  }
  return root;
}
