/**
 * The one recursion guard. The parser bounds nesting, but the checker and the compiler walk
 * trees recursively too (index chains `x[0][0]…` are not nesting for the parser), so every
 * stage turns a JavaScript stack overflow into a `nesting-limit-exceeded` diagnostic instead
 * of a crash.
 *
 * @module
 */

/** A JS engine's "too much recursion" error (V8/JSC: RangeError; SpiderMonkey: InternalError). */
export function isStackOverflow(error: unknown): boolean {
  return (error instanceof RangeError || (error instanceof Error && error.name === 'InternalError')) && /call stack|recursion/i.test(error.message);
}

/**
 * Runs `work`; if it overflows the stack, returns `onOverflow()` instead. Any other error
 * propagates unchanged.
 */
export function guardStack<T>(work: () => T, onOverflow: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return onOverflow();
  }
}
