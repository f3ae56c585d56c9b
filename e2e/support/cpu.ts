import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * CPU use over a phase of a test, from /proc (Linux): the whole machine
 * (/proc/stat, which also counts whatever else runs on this shared box) and
 * the browsers this test process launched (utime+stime of every Chromium
 * process below this one). Both as % of all cores, so 100 = every core busy.
 */

/** Kernel clock ticks per second (USER_HZ); 100 on every Linux build this suite runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface CpuSample {
  readonly atMs: number;
  /** Jiffies over all cores since boot: total and idle (idle + iowait). */
  readonly machineTotal: number;
  readonly machineIdle: number;
  /** utime+stime ticks of the browser processes alive now, by pid. */
  readonly browserTicks: ReadonlyMap<number, number>;
}

interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  readonly ticks: number;
}

function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  // comm is in parentheses and may hold spaces: split after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] = state (field 3 of proc(5)), so field N is fields[N - 3].
  return {
    pid,
    comm,
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
  };
}

/** Chromium processes (browser, renderers, GPU, utility) descending from this process. */
function browserProcessTicks(): Map<number, number> {
  const all: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  const ticks = new Map<number, number>();
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (/chrom/i.test(child.comm)) ticks.set(child.pid, child.ticks);
      walk(child.pid);
    }
  };
  walk(process.pid);
  return ticks;
}

export function cpuSample(): CpuSample {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const jiffies = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (jiffies[3] ?? 0) + (jiffies[4] ?? 0);
  return {
    atMs: Date.now(),
    machineTotal: jiffies.reduce((sum, n) => sum + n, 0),
    machineIdle: idle,
    browserTicks: browserProcessTicks(),
  };
}

export interface CpuUse {
  readonly cores: number;
  readonly seconds: number;
  /** Busy share of all cores, whole machine (other work on the box included). */
  readonly machinePct: number;
  /** Share of all cores used by this test's browsers. */
  readonly browserPct: number;
}

export function cpuUse(before: CpuSample, after: CpuSample): CpuUse {
  const cores = availableParallelism();
  const seconds = (after.atMs - before.atMs) / 1000;
  const total = after.machineTotal - before.machineTotal;
  const busy = total - (after.machineIdle - before.machineIdle);
  // Processes that started during the phase count from zero; ones that exited are lost (rare).
  let browserTicks = 0;
  for (const [pid, ticks] of after.browserTicks) {
    browserTicks += ticks - (before.browserTicks.get(pid) ?? 0);
  }
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    cores,
    seconds: round(seconds),
    machinePct: total > 0 ? round((100 * busy) / total) : 0,
    browserPct:
      seconds > 0 ? round((100 * browserTicks) / CLOCK_TICKS_PER_SECOND / seconds / cores) : 0,
  };
}

/** Sample, wait `ms` (the steady phase), sample again. */
export async function measureCpu(ms: number): Promise<CpuUse> {
  const before = cpuSample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return cpuUse(before, cpuSample());
}
