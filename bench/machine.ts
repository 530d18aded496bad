/**
 * What the results were measured on: CPU, cores, memory, OS, Node/V8, git commit, load.
 * Only read-only git commands are used.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  arch: string;
  node: string;
  v8: string;
  gitCommit: string | null;
  /** Uncommitted changes under src/ or bench/ at the time of the run. */
  gitDirty: boolean | null;
  /** 1/5/15-minute load averages when the run started (a shared machine is noisy). */
  loadAverageStart: number[];
  loadAverageEnd?: number[];
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', ['--no-optional-locks', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(repoRoot: string): MachineInfo {
  const cpus = os.cpus();
  const commit = git(['rev-parse', '--short', 'HEAD'], repoRoot);
  const status = commit === null ? null : git(['status', '--porcelain', '--', 'src', 'bench'], repoRoot);
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    v8: process.versions.v8,
    gitCommit: commit,
    gitDirty: status === null ? null : status.split('\n').some((l) => l.trim() !== '' && !l.includes('bench/results/')),
    loadAverageStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
