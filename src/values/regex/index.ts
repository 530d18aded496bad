/**
 * Rust-`regex` compatible regular expressions over bytes, in linear time.
 *
 * Cloudflare's Rules engine compiles `matches` (and `regex_replace`) patterns
 * with Rust's `regex` crate with Unicode mode and UTF-8 mode off: patterns are
 * Rust syntax and they run over raw bytes. This module reproduces that:
 *
 * 1. {@link parseRegex} parses Rust syntax with Rust's error messages and
 *    limits (nesting depth 250 by default);
 * 2. {@link translate} applies Rust's byte-mode semantics (`.` is one byte,
 *    ASCII-only `\w`/`\b`/`(?i)`, `\xHH` is a raw byte, `(?u)` opts into
 *    Unicode classes);
 * 3. the compiled size is estimated like Rust's NFA builder and patterns
 *    over the limit (10 MiB by default) are rejected;
 * 4. the result compiles to a Thompson NFA shaped like Rust's; `test` runs it
 *    as a lazy DFA (`dfa.ts`: cached states, bounded memory, one table lookup
 *    per byte once warm) and `exec` on a Pike VM (`pikevm.ts`) for Rust's
 *    leftmost-first match and groups. Both are linear in the input. Patterns
 *    proven safe for backtracking run on native `RegExp` instead (`native.ts`).
 *
 * JavaScript's backtracking `RegExp` runs a user pattern only on that fast
 * path, within the input size its analysis proves safe.
 *
 * @module
 */

import { toBinaryString } from '../bytes.js';
import { RegexError, type RegexErrorKind } from './errors.js';
import { dfaSupports, LazyDfa } from './dfa.js';
import { translate, type Hir } from './hir.js';
import { parseRegex } from './parser.js';
import { nativeFastPath } from './native.js';
import { compileProgram, pikeSearch, type Program } from './pikevm.js';
import { BASE_SIZE, hirSize } from './size.js';

export type { RegexErrorKind } from './errors.js';

/** Rust `regex`'s default compiled-size limit (also wirefilter's default). */
export const DEFAULT_SIZE_LIMIT = 10 * (1 << 20);

/** Rust `regex-syntax`'s default nesting limit. */
export const DEFAULT_NESTING_LIMIT = 250;

/** Options of {@link compileRegex}. */
export interface RegexOptions {
  /**
   * Maximum estimated size in bytes of the compiled automaton (Rust's
   * `nfa_size_limit`; wirefilter's `regex_compiled_size_limit`).
   * Default {@link DEFAULT_SIZE_LIMIT} (10 MiB).
   */
  readonly sizeLimit?: number;
  /** Maximum nesting depth of the pattern. Default {@link DEFAULT_NESTING_LIMIT} (250). */
  readonly nestingLimit?: number;
  /**
   * In byte mode, let a non-ASCII literal character outside a class (`é`,
   * `\x{E9}`) match its UTF-8 bytes, as Cloudflare's engine does. Default
   * true; `false` fails with Rust regex-syntax's "Unicode not allowed here".
   */
  readonly utf8Literals?: boolean;
  /**
   * Matching engine. `'auto'` (default) runs patterns proven safe for
   * backtracking on native `RegExp` (see `native.ts`), everything else on the
   * linear-time engine (lazy DFA for `test`, Pike VM for `exec`). `'linear'`
   * never uses native `RegExp`; `'pikevm'` runs the Pike VM alone. Both are
   * mostly useful for differential testing.
   */
  readonly engine?: 'auto' | 'linear' | 'pikevm';
}

/** A successful or failed compilation. */
export type RegexCompileResult =
  | {
      readonly ok: true;
      readonly regex: CompiledRegex;
      /** The estimated compiled size, as compared with `sizeLimit`. */
      readonly size: number;
      /**
       * True when the pattern needs the Pike VM for every search (Unicode word boundaries):
       * its cost per input byte grows with its size several times faster than on the DFA.
       */
      readonly pikeOnly: boolean;
    }
  | {
      readonly ok: false;
      /** Rust's wording of the problem, e.g. `unclosed group`. */
      readonly message: string;
      /** UTF-16 index into the pattern where the problem starts. */
      readonly offset: number;
      /** Length (UTF-16 code units) of the offending part; may be 0 for a position. */
      readonly length: number;
      /** Machine-readable reason. */
      readonly kind: RegexErrorKind;
    };

/** The first match of {@link CompiledRegex.exec}, in byte offsets. */
export interface RegexMatch {
  /** Byte offset where the match starts. */
  readonly start: number;
  /** Byte offset just past the match. */
  readonly end: number;
  /**
   * `groups[0]` is the whole match; `groups[i]` is capture group `i`
   * (`undefined` when it did not participate). Length is `groupCount + 1`.
   */
  readonly groups: readonly (readonly [number, number] | undefined)[];
}

/** A compiled pattern. Immutable and safe to share. */
export interface CompiledRegex {
  /** The pattern as written. */
  readonly source: string;
  /** Number of capture groups, not counting the whole match. */
  readonly groupCount: number;
  /**
   * Unanchored search, like Rust's `is_match`. A string value is Unicode text
   * matched through its UTF-8 encoding; a `Uint8Array` is matched as is.
   */
  test(value: string | Uint8Array): boolean;
  /** The leftmost-first match with its capture groups (for `regex_replace`), or `undefined`. */
  exec(value: string | Uint8Array): RegexMatch | undefined;
}

/** Byte-offset spans of group 0 … n of the first match (`undefined` = group did not match). */
type Spans = (readonly [number, number] | undefined)[];

/** What the two engines have in common, over binary strings. */
interface Engine {
  test(input: string): boolean;
  exec(input: string): Spans | undefined;
}

/**
 * The linear-time engine: the lazy DFA answers `test` (and rules out most non-matches before
 * `exec`), the Pike VM finds the leftmost-first match with its groups. Patterns with Unicode
 * word boundaries, which the DFA cannot decide, run on the Pike VM alone.
 */
class LinearEngine implements Engine {
  private readonly dfa: LazyDfa | undefined;

  constructor(
    private readonly prog: Program,
    useDfa: boolean,
  ) {
    this.dfa = useDfa ? new LazyDfa(prog) : undefined;
  }

  test(input: string): boolean {
    return this.dfa !== undefined ? this.dfa.test(input) : pikeSearch(this.prog, input, false) !== undefined;
  }

  exec(input: string): Spans | undefined {
    if (this.dfa !== undefined && !this.dfa.test(input)) return undefined;
    const slots = pikeSearch(this.prog, input, true);
    if (slots === undefined) return undefined;
    const spans: Spans = [];
    for (let i = 0; i < slots.length; i += 2) {
      spans.push(slots[i] >= 0 && slots[i + 1] >= 0 ? [slots[i], slots[i + 1]] : undefined);
    }
    return spans;
  }
}

/**
 * Matching on JavaScript's RegExp for patterns proven safe (see `native.ts`); capture groups
 * still come from the linear-time engine, which follows Rust's leftmost-first semantics.
 */
class NativeEngine implements Engine {
  private linearEngine: Engine | undefined;

  constructor(
    private readonly re: RegExp,
    /**
     * Builds the linear-time engine, on first need: most patterns on this path never see an
     * input over the limit nor a capture request, and the compiled program is most of a
     * compiled regex's memory.
     */
    private readonly buildLinear: () => Engine,
    /** Longer inputs go to the linear-time engine (see `nativeInputLimit`). */
    private readonly maxInput: number,
  ) {}

  private get linear(): Engine {
    return (this.linearEngine ??= this.buildLinear());
  }

  test(input: string): boolean {
    return input.length <= this.maxInput ? this.re.test(input) : this.linear.test(input);
  }

  exec(input: string): Spans | undefined {
    return this.test(input) ? this.linear.exec(input) : undefined;
  }
}

class CompiledRegexImpl implements CompiledRegex {
  constructor(
    readonly source: string,
    readonly groupCount: number,
    private readonly engine: Engine,
  ) {}

  test(value: string | Uint8Array): boolean {
    return this.engine.test(toBinaryString(value));
  }

  exec(value: string | Uint8Array): RegexMatch | undefined {
    const groups = this.engine.exec(toBinaryString(value));
    if (groups === undefined) return undefined;
    const whole = groups[0] as readonly [number, number];
    return { start: whole[0], end: whole[1], groups };
  }
}

function failure(e: RegexError, pattern: string): RegexCompileResult {
  const start = Math.min(e.span.start, pattern.length);
  const end = Math.min(Math.max(e.span.end, start), pattern.length);
  return { ok: false, message: e.message, offset: start, length: end - start, kind: e.kind };
}

/**
 * Compiles a Rust-syntax pattern with Cloudflare's byte-mode semantics.
 *
 * Never throws for bad input: syntax errors, unsupported constructs and
 * patterns over the size limit come back as `{ ok: false }` with Rust's
 * message and the UTF-16 offset/length of the offending part.
 */
export function compileRegex(pattern: string, options: RegexOptions = {}): RegexCompileResult {
  const sizeLimit = options.sizeLimit ?? DEFAULT_SIZE_LIMIT;
  const nestLimit = options.nestingLimit ?? DEFAULT_NESTING_LIMIT;
  try {
    const { ast, captureCount } = parseRegex(pattern, { nestLimit });
    const hir = translate(ast, { utf8Literals: options.utf8Literals });
    const size = BASE_SIZE + hirSize(hir);
    if (size > sizeLimit) {
      return failure(
        new RegexError(
          'CompiledTooBig',
          { start: 0, end: pattern.length },
          `Compiled regex exceeds size limit of ${sizeLimit} bytes.`,
        ),
        pattern,
      );
    }
    const linear = (h: Hir, groups: number): Engine => new LinearEngine(compileProgram(h, groups), options.engine !== 'pikevm' && dfaSupports(h));
    const native = options.engine === undefined || options.engine === 'auto' ? nativeFastPath(hir) : undefined;
    const pikeOnly = !dfaSupports(hir);
    if (native === undefined) return { ok: true, regex: new CompiledRegexImpl(pattern, captureCount, linear(hir, captureCount)), size, pikeOnly };
    // The linear side is derived again from the pattern when first needed (captures, or an
    // input over the native limit), so a compiled regex on this path keeps neither the HIR
    // nor a program.
    const buildLinear = (): Engine => {
      const again = parseRegex(pattern, { nestLimit });
      return linear(translate(again.ast, { utf8Literals: options.utf8Literals }), again.captureCount);
    };
    const engine = new NativeEngine(native.re, buildLinear, native.maxInput);
    return { ok: true, regex: new CompiledRegexImpl(pattern, captureCount, engine), size, pikeOnly };
  } catch (e) {
    if (e instanceof RegexError) return failure(e, pattern);
    if (e instanceof RangeError) {
      // Only reachable with a nesting limit raised far above Rust's default.
      return failure(
        new RegexError('NestLimitExceeded', { start: 0, end: pattern.length }, 'pattern nests too deeply'),
        pattern,
      );
    }
    throw e;
  }
}

