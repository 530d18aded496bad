/**
 * The type model: `Bytes`, `Int`, `Bool`, `Ip`, `Array<T>` and `Map<T>`.
 *
 * @module
 */

/** A type of the Rules language. Types are interned: compare with `===` or {@link typeEquals}. */
export type Type =
  | { readonly kind: 'Bytes' }
  | { readonly kind: 'Int' }
  | { readonly kind: 'Bool' }
  | { readonly kind: 'Ip' }
  | { readonly kind: 'Array'; readonly element: Type }
  | { readonly kind: 'Map'; readonly element: Type };

/** A type written as text: `Bytes`, `Int`, `Bool`, `Ip`, `Array<T>`, `Map<T>`. */
export type TypeName = string;

/** `Bytes`: a byte string. */
export const BYTES: Type = Object.freeze({ kind: 'Bytes' });
/** `Int`: a signed 64-bit integer. */
export const INT: Type = Object.freeze({ kind: 'Int' });
/** `Bool`. */
export const BOOL: Type = Object.freeze({ kind: 'Bool' });
/** `Ip`: an IPv4 or IPv6 address. */
export const IP: Type = Object.freeze({ kind: 'Ip' });

const arrays = new Map<Type, Type>();
const maps = new Map<Type, Type>();

/** `Array<element>` (interned). */
export function arrayOf(element: Type): Type {
  let type = arrays.get(element);
  if (type === undefined) {
    type = Object.freeze({ kind: 'Array', element });
    arrays.set(element, type);
  }
  return type;
}

/** `Map<element>` (interned). */
export function mapOf(element: Type): Type {
  let type = maps.get(element);
  if (type === undefined) {
    type = Object.freeze({ kind: 'Map', element });
    maps.set(element, type);
  }
  return type;
}

/** `Array<Bool>`: what a comparison over `[*]` produces. */
export const ARRAY_OF_BOOL: Type = arrayOf(BOOL);

/** Structural equality (interning makes this `===`, kept for clarity at call sites). */
export function typeEquals(a: Type, b: Type): boolean {
  return a === b;
}

/** The type as text, e.g. `Map<Array<Bytes>>`. */
export function formatType(type: Type): string {
  switch (type.kind) {
    case 'Array':
    case 'Map':
      return `${type.kind}<${formatType(type.element)}>`;
    default:
      return type.kind;
  }
}

/** True for `Bytes`, `Int`, `Bool`, `Ip`. */
export function isScalar(type: Type): boolean {
  return type.kind !== 'Array' && type.kind !== 'Map';
}

/**
 * Parses a type name. Accepts `String` and `Number` as aliases of `Bytes` and `Int`
 * (the names Cloudflare's documentation uses). Returns `undefined` for anything else.
 */
export function parseType(name: TypeName): Type | undefined {
  const text = name.trim();
  switch (text) {
    case 'Bytes':
    case 'String':
      return BYTES;
    case 'Int':
    case 'Number':
    case 'Integer':
      return INT;
    case 'Bool':
    case 'Boolean':
      return BOOL;
    case 'Ip':
    case 'IP':
      return IP;
  }
  const generic = /^(Array|Map)\s*<(.*)>$/.exec(text);
  if (generic === null) return undefined;
  const element = parseType(generic[2]!);
  if (element === undefined) return undefined;
  return generic[1] === 'Array' ? arrayOf(element) : mapOf(element);
}
