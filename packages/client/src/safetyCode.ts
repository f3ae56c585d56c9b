/**
 * The safety code of a 1:1 connection: read aloud by both people, it proves
 * that nobody in the middle (the signaling server included) swapped the
 * DTLS keys. Derived from both certificate fingerprints as this browser
 * itself sees them (its own certificate and the one its peer presented, from
 * getStats; from the negotiated SDP where a browser's stats have no
 * certificates), ordered so that both ends compute the same value. With a
 * key swapped by a man in the middle, each side sees another fingerprint
 * for the other, and the codes differ.
 */

/** "sha-256 AB:CD:..." normalised (algorithm lower case, hex upper case). */
export function normaliseFingerprint(algorithm: string, value: string): string {
  return `${algorithm.trim().toLowerCase()} ${value.trim().toUpperCase()}`;
}

/** The DTLS fingerprint lines of an SDP (session or media level), normalised. */
export function fingerprintsOfSdp(sdp: string): string[] {
  const out = new Set<string>();
  for (const m of sdp.matchAll(/^a=fingerprint:(\S+) (\S+)\s*$/gm)) {
    out.add(normaliseFingerprint(m[1] ?? '', m[2] ?? ''));
  }
  return [...out];
}

/** 4 groups of 4 digits from the SHA-256 of both fingerprints, in a fixed order. */
export async function safetyCodeOf(local: string, remote: string): Promise<string> {
  const [a, b] = [local, remote].sort();
  const bytes = new Uint8Array(
    await crypto.subtle.digest(
      'SHA-256',
      new TextEncoder().encode(`parley-safety-code\n${a}\n${b}`),
    ),
  );
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2) {
    const n = (((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)) % 10_000;
    groups.push(String(n).padStart(4, '0'));
  }
  return groups.join(' ');
}

interface CertificateStat {
  type: string;
  id: string;
  fingerprint?: string;
  fingerprintAlgorithm?: string;
  localCertificateId?: string;
  remoteCertificateId?: string;
}

/**
 * Both fingerprints as the browser sees them: the transport's local and
 * remote certificates from getStats, else those of the SDP it negotiated.
 * Null until both are known.
 */
export function observedFingerprints(
  report: RTCStatsReport,
  localSdp: string | undefined,
  remoteSdp: string | undefined,
): { local: string; remote: string } | null {
  const stats = [...(report.values() as Iterable<CertificateStat>)];
  const byId = new Map(stats.map((s) => [s.id, s]));
  for (const t of stats) {
    if (t.type !== 'transport' || !t.localCertificateId || !t.remoteCertificateId) continue;
    const l = byId.get(t.localCertificateId);
    const r = byId.get(t.remoteCertificateId);
    if (l?.fingerprint && r?.fingerprint) {
      return {
        local: normaliseFingerprint(l.fingerprintAlgorithm ?? 'sha-256', l.fingerprint),
        remote: normaliseFingerprint(r.fingerprintAlgorithm ?? 'sha-256', r.fingerprint),
      };
    }
  }
  const local = localSdp ? fingerprintsOfSdp(localSdp)[0] : undefined;
  const remote = remoteSdp ? fingerprintsOfSdp(remoteSdp)[0] : undefined;
  return local && remote ? { local, remote } : null;
}
