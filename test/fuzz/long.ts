/**
 * Long fuzz campaign: runs the fuzz suite (`test/fuzz/*.test.ts`) with a random seed and a time
 * budget per property instead of the fixed run counts used inside `npm test`.
 *
 *     npm run fuzz                          # random seed, 60 s per property
 *     npm run fuzz -- --seconds 300         # 5 minutes per property
 *     npm run fuzz -- --seed 123456 -t mutated   # replay one property of an earlier campaign
 *
 * (`npm run fuzz` is `tsx test/fuzz/long.ts`.) The seed is printed first and last: a failure
 * is reproduced with `FUZZ_SEED=<seed> FUZZ_TIME=<seconds> npx vitest run test/fuzz`, or exactly with the
 * property's seed and path from the failure report (`FUZZ_SEED`, `FUZZ_PATH`, `-t <name>`).
 * Every other argument goes to vitest.
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const take = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
};

const seed = take('--seed') ?? process.env.FUZZ_SEED ?? String((Math.random() * 0x7fffffff) | 0);
const seconds = take('--seconds') ?? process.env.FUZZ_TIME ?? '60';
const maxMs = take('--max-ms') ?? process.env.FUZZ_MAX_MS ?? '250';

console.log(`[fuzz] long campaign: FUZZ_SEED=${seed} FUZZ_TIME=${seconds} (seconds per property) FUZZ_MAX_MS=${maxMs}`);
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz', '--no-file-parallelism', '--reporter=verbose', ...args], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_TIME: seconds, FUZZ_MAX_MS: maxMs },
});
console.log(`[fuzz] campaign with FUZZ_SEED=${seed} ${result.status === 0 ? 'found nothing' : 'FAILED — see the report above'}`);
process.exit(result.status ?? 1);
