/**
 * What the editor features know about a scheme, precomputed once per language service: the
 * field namespace tree (for segment-at-a-time completion), the functions usable in the
 * configured phase, list types, and Markdown descriptions shared by completion and hover.
 *
 * @module
 */
import type { Scheme } from '../engine/scheme.js';
import type { SchemeField, SchemeFunction } from '../scheme/environment.js';
import type { Type } from '../scheme/types.js';

/** A namespace of dotted field names, such as `http.request.` (always ends with a dot). */
export interface Namespace {
  name: string;
  /** Number of fields below it. */
  count: number;
}

/** Direct children of a namespace: fields one segment deeper, and deeper namespaces. */
export interface Children {
  fields: SchemeField[];
  namespaces: Namespace[];
}

/** Scheme metadata arranged for the editor features. */
export class SchemeCatalog {
  private readonly byNamespace = new Map<string, Children>();
  private readonly descendants = new Map<string, number>();
  private usable: SchemeFunction[] | undefined;
  private readonly all: SchemeField[];

  constructor(
    readonly scheme: Scheme,
    readonly phase: string | undefined,
  ) {
    this.all = scheme.fields();
    for (const field of this.all) {
      const segments = field.name.split('.');
      for (let i = 1; i < segments.length; i++) {
        const prefix = `${segments.slice(0, i).join('.')}.`;
        this.descendants.set(prefix, (this.descendants.get(prefix) ?? 0) + 1);
      }
      this.childrenOf(`${segments.slice(0, -1).join('.')}${segments.length > 1 ? '.' : ''}`).fields.push(field);
    }
    for (const [prefix, count] of this.descendants) {
      const parent = prefix.slice(0, prefix.lastIndexOf('.', prefix.length - 2) + 1);
      this.childrenOf(parent).namespaces.push({ name: prefix, count });
    }
  }

  private childrenOf(prefix: string): Children {
    let children = this.byNamespace.get(prefix);
    if (children === undefined) {
      children = { fields: [], namespaces: [] };
      this.byNamespace.set(prefix, children);
    }
    return children;
  }

  /** Fields and namespaces directly below `prefix` (`''` for the top level, else ending with `.`). */
  children(prefix: string): Children {
    return this.byNamespace.get(prefix) ?? { fields: [], namespaces: [] };
  }

  /** Every field whose name starts with `prefix` (`''`: every field), in definition order. */
  below(prefix: string): SchemeField[] {
    return prefix === '' ? this.all : this.all.filter((f) => f.name.startsWith(prefix));
  }

  /** Number of fields below a namespace such as `http.request` (no trailing dot), or 0. */
  namespaceSize(name: string): number {
    return this.descendants.get(`${name}.`) ?? 0;
  }

  /** True when a function may be used in the configured phase. */
  allowedInPhase(fn: SchemeFunction): boolean {
    return this.phase === undefined || fn.phases === undefined || fn.phases.includes(this.phase);
  }

  /** Functions usable in the configured phase. */
  functions(): SchemeFunction[] {
    // Schemes are immutable, so the list is computed once.
    this.usable ??= this.scheme.functions().filter((fn) => this.allowedInPhase(fn));
    return this.usable;
  }

  /** The item type of a list, when the scheme defines it. */
  listType(name: string): Type | undefined {
    return this.scheme.list(name)?.type;
  }

  /** Number of items of a list, when the scheme defines it. */
  listSize(name: string): number | undefined {
    return this.scheme.list(name)?.items.length;
  }
}

/** Markdown describing a field: type, description, alias, notes, plan and deprecation. */
export function describeField(field: SchemeField): string {
  const parts = [`\`\`\`wirefilter\n${field.name}: ${field.type}\n\`\`\``];
  if (field.deprecated !== undefined) parts.push(`**Deprecated:** ${field.deprecated}.`);
  if (field.description !== undefined) parts.push(field.description);
  if (field.aliasOf !== undefined) parts.push(`Another name for \`${field.aliasOf}\`: either name supplies the value of both.`);
  if (field.notes !== undefined) parts.push(field.notes);
  const facts: string[] = [];
  if (field.plan !== undefined) facts.push(`Plan: ${field.plan}`);
  if (field.category !== undefined) facts.push(`Category: \`${field.category}\``);
  if (facts.length > 0) parts.push(`*${facts.join(' · ')}*`);
  return parts.join('\n\n');
}

/** Markdown describing a function: signature, description and phase availability. */
export function describeFunction(fn: SchemeFunction, phase?: string): string {
  const parts = [`\`\`\`wirefilter\n${fn.signature}\n\`\`\``];
  if (fn.description !== '') parts.push(fn.description);
  const kinds = fn.parameters.filter((p) => p.kind !== 'any').map((p) => `\`${p.name}\` must be ${p.kind === 'field' ? 'a field or expression' : 'a literal'}`);
  if (kinds.length > 0) parts.push(`${kinds.join('; ')}.`);
  if (fn.phases !== undefined) {
    const allowed = phase === undefined || fn.phases.includes(phase);
    const list = fn.phases.map((p) => `\`${p}\``).join(', ');
    parts.push(allowed ? `*Phases:* ${list}` : `**Not available in \`${phase}\`.** *Phases:* ${list}`);
  }
  return parts.join('\n\n');
}
