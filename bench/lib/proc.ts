import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second, for /proc/<pid>/stat's utime and stime. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system, all threads) a live process has used so far; null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Resident set size and its high-water mark, in KiB. */
export function memoryKb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return null;
  }
}

/** The 1-minute load average and the core count, to judge how noisy a run was. */
export function machineLoad(): { load1: number; load5: number; cores: number } {
  const [l1, l5] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  const cores = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length;
  return { load1: l1 ?? NaN, load5: l5 ?? NaN, cores };
}

export function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Samples CPU and RSS of a set of processes every `everyMs`; bounded by the process lifetime of the caller. */
export class Sampler {
  readonly samples: { t: number; pid: number; cpu: number | null; rss: number | null }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pids: () => number[], private readonly everyMs = 500) {}

  start(): void {
    this.timer = setInterval(() => {
      const t = Date.now();
      for (const pid of this.pids()) {
        this.samples.push({ t, pid, cpu: cpuSeconds(pid), rss: memoryKb(pid)?.rss ?? null });
      }
      // Bounded memory: a one-hour run at 2 Hz and a dozen processes stays small.
      if (this.samples.length > 200_000) this.samples.splice(0, 100_000);
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Highest CPU share (of one core) over any one sampling interval within [from, to]. */
  peakCpuShare(pid: number, from: number, to: number): number {
    const s = this.samples.filter((x) => x.pid === pid && x.t >= from && x.t <= to && x.cpu !== null);
    let peak = 0;
    for (let i = 1; i < s.length; i++) {
      const dt = (s[i]!.t - s[i - 1]!.t) / 1000;
      if (dt > 0) peak = Math.max(peak, (s[i]!.cpu! - s[i - 1]!.cpu!) / dt);
    }
    return peak;
  }

  peakRss(pid: number, from: number, to: number): number {
    let peak = 0;
    for (const x of this.samples) if (x.pid === pid && x.t >= from && x.t <= to && x.rss !== null) peak = Math.max(peak, x.rss);
    return peak;
  }
}

/** CPU seconds of one thread of a process (the main thread when tid = pid): the event loop's own share. */
export function threadCpuSeconds(pid: number, tid = pid): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Pins a process and all its threads to the given CPU list (`taskset -a -p -c`); false if taskset is missing or refused. */
export function pin(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Scheduler figures of one thread (/proc/<pid>/task/<tid>/schedstat): time
 * it ran on a CPU and time it was runnable but waited for one (another
 * process had the core). Seconds; null once gone.
 */
export function schedSeconds(pid: number, tid = pid): { run: number; wait: number } | null {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return { run: (run ?? 0) / 1e9, wait: (wait ?? 0) / 1e9 };
  } catch {
    return null;
  }
}

/** The state letter of one thread (R running or runnable, S sleeping, D waiting for the disk...). */
export function threadState(pid: number, tid = pid): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}
