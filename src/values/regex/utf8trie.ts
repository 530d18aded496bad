/**
 * A prefix trie of UTF-8 byte-range sequences: the shape in which a Unicode
 * class is emitted (as nested alternations of byte classes) and measured (for
 * the compiled-size estimate).
 *
 * @module
 */

import type { Ranges } from './intervals.js';
import { utf8Sequences } from './unicode.js';

/** A trie node: outgoing edges labelled with inclusive byte ranges. */
export interface Utf8TrieNode {
  readonly edges: Utf8TrieEdge[];
}

/** An edge: a byte range and the rest of the sequence (`undefined` = end). */
export interface Utf8TrieEdge {
  readonly lo: number;
  readonly hi: number;
  readonly next: Utf8TrieNode | undefined;
}

/**
 * Builds the trie for a set of scalar values. Sequences that share an
 * identical leading byte range share the edge, which keeps big classes such
 * as `\pL` compact.
 */
export function buildUtf8Trie(ranges: Ranges): Utf8TrieNode {
  const root: Utf8TrieNode = { edges: [] };
  for (let i = 0; i < ranges.length; i += 2) {
    for (const seq of utf8Sequences(ranges[i], ranges[i + 1])) {
      let node = root;
      for (let j = 0; j < seq.length; j++) {
        const [lo, hi] = seq[j];
        const last = j === seq.length - 1;
        let edge = node.edges.find((e) => e.lo === lo && e.hi === hi && (e.next === undefined) === last);
        if (edge === undefined) {
          edge = { lo, hi, next: last ? undefined : { edges: [] } };
          node.edges.push(edge);
        }
        if (edge.next === undefined) break;
        node = edge.next;
      }
    }
  }
  return root;
}

const CACHE_LIMIT = 64;
const cache = new Map<string, Utf8TrieNode>();

/**
 * {@link buildUtf8Trie} with a small cache keyed by the ranges: big classes
 * (`\pL`, `(?u)\w`) tend to be used several times in one pattern and are
 * needed by the size estimate, the emitter and the VM.
 */
export function utf8Trie(ranges: Ranges): Utf8TrieNode {
  const key = ranges.join(',');
  let trie = cache.get(key);
  if (trie === undefined) {
    trie = buildUtf8Trie(ranges);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, trie);
  }
  return trie;
}

/** Counts nodes and edges (for the size estimate). */
export function trieStats(root: Utf8TrieNode): { nodes: number; edges: number } {
  let nodes = 0;
  let edges = 0;
  const stack: Utf8TrieNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as Utf8TrieNode;
    nodes++;
    edges += n.edges.length;
    for (const e of n.edges) if (e.next !== undefined) stack.push(e.next);
  }
  return { nodes, edges };
}
