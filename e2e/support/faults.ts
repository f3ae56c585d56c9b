import { execFileSync } from 'node:child_process';

/**
 * Network faults for the resilience specs, with Debian's iptables inside the
 * loopback-only namespace the suite runs in (scripts/e2e.sh): the rules live
 * in that namespace only and vanish with it. `tc netem` is not available on
 * these kernels (../shared/reference/fault-injection.md). Every cut is
 * bounded: it lifts itself after `maxMs` even if the test is stuck, and the
 * specs lift it in a `finally`.
 */

type Rule = readonly string[];

function iptables(binary: 'iptables' | 'ip6tables', args: readonly string[]): void {
  execFileSync(binary, ['-w', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface Cut {
  /** When the cut began (Date.now()). */
  readonly startedAt: number;
  /** Lift the cut (idempotent); returns when the rules are gone. */
  lift(): void;
}

function cut(rules: readonly Rule[], maxMs: number): Cut {
  const applied: Rule[] = [];
  const lift = () => {
    clearTimeout(safety);
    for (const rule of applied.splice(0).reverse()) {
      for (const binary of ['iptables', 'ip6tables'] as const) {
        try {
          iptables(binary, ['-D', ...rule]);
        } catch {
          // already gone
        }
      }
    }
  };
  const safety = setTimeout(lift, maxMs);
  safety.unref();
  try {
    for (const rule of rules) {
      iptables('iptables', ['-A', ...rule]);
      iptables('ip6tables', ['-A', ...rule]);
      applied.push(rule);
    }
  } catch (error) {
    lift();
    throw error;
  }
  return { startedAt: Date.now(), lift };
}

/** Signaling cut: every TCP packet to or from `port` (the server) is dropped. */
export function cutTcpPort(port: number, maxMs: number): Cut {
  const p = String(port);
  return cut(
    [
      ['INPUT', '-p', 'tcp', '--dport', p, '-j', 'DROP'],
      ['INPUT', '-p', 'tcp', '--sport', p, '-j', 'DROP'],
    ],
    maxMs,
  );
}

/** Media blackout: every UDP datagram is dropped (signaling over TCP stays up). */
export function cutUdp(maxMs: number): Cut {
  return cut([['INPUT', '-p', 'udp', '-j', 'DROP']], maxMs);
}

/** Whether this process can change the namespace's firewall (root inside the e2e namespace). */
export function canCutNetwork(): boolean {
  try {
    execFileSync('iptables', ['-w', '-L', 'INPUT', '-n'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
