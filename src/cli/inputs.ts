/**
 * What `check`, `lint` and `fmt` work on: expressions (arguments, `-e`, expression files,
 * standard input) and ruleset files (JSON), told apart without flags when possible.
 *
 * @module
 */
import { statSync } from 'node:fs';
import { CliError, decodeText, displayPath, readBytes, readStdin, resolvePath, statRegularFile, trimTrailingWhitespace, type Io } from './io.js';

/**
 * One input. `bytes` are a file's exact content (`text` is it decoded, without a BOM), so that
 * `fmt --write` can keep every byte it does not rewrite.
 */
export type Input =
  | { kind: 'expression'; /** `argument 1`, `<stdin>`, or a file's display path. */ name: string; text: string; file?: string; bytes?: Buffer }
  | { kind: 'ruleset'; name: string; text: string; file: string; bytes?: Buffer };

const looksLikeJson = (text: string): boolean => /^\s*[[{]/.test(text);
const looksLikePath = (text: string): boolean => /^[^\s"'()]+\.(json|wf|txt|expr)$/i.test(text);

/**
 * Resolves command-line inputs. `targets` are positional arguments: `-` is standard input, an
 * existing file is a ruleset (JSON) or an expression file (anything else), other text is an
 * expression. `expressions` come from `-e`. With neither, standard input is read.
 */
export async function collectInputs(targets: readonly string[], expressions: readonly string[], io: Io): Promise<Input[]> {
  const inputs: Input[] = [];
  let argument = 0;
  const all = targets.length === 0 && expressions.length === 0 ? ['-'] : targets;
  for (const target of all) {
    if (target === '-') {
      const text = await readStdin(io, 'an expression or a ruleset');
      inputs.push(looksLikeJson(text) ? { kind: 'ruleset', name: '<stdin>', text, file: '<stdin>' } : { kind: 'expression', name: '<stdin>', text: trimEnd(text) });
      continue;
    }
    const file = resolvePath(target, io.cwd);
    if (isFile(file)) {
      const bytes = readBytes(target, io.cwd);
      const text = decodeText(bytes);
      const name = displayPath(file, io.cwd);
      if (/\.json$/i.test(target) || looksLikeJson(text)) inputs.push({ kind: 'ruleset', name, text, file, bytes });
      else inputs.push({ kind: 'expression', name, text: trimEnd(text), file, bytes });
      continue;
    }
    if (looksLikePath(target)) {
      // Says why: no such file, a directory, a FIFO or a device.
      statRegularFile(target, io.cwd);
      throw new CliError(`cannot read ${target}: no such file`);
    }
    argument++;
    inputs.push({ kind: 'expression', name: `argument ${argument}`, text: target });
  }
  for (const text of expressions) {
    argument++;
    inputs.push({ kind: 'expression', name: `argument ${argument}`, text });
  }
  return inputs;
}

/** Drops trailing whitespace (a file's final newline) without moving any offset; linear in the text. */
const trimEnd = trimTrailingWhitespace;

/** Whether a path is a regular file (stat only: a FIFO or device is never opened here). */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Collects repeated option values (commander helper). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
