import { describe, expect, it } from 'vitest';
import { fingerprintsOfSdp, observedFingerprints, safetyCodeOf } from './safetyCode.js';

const A = 'sha-256 AA:BB:CC';
const B = 'sha-256 11:22:33';
const M = 'sha-256 66:66:66';

describe('safety code', () => {
  it('both ends compute the same code from their own and the other fingerprint', async () => {
    const alice = await safetyCodeOf(A, B);
    const bob = await safetyCodeOf(B, A);
    expect(alice).toBe(bob);
    expect(alice).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
  });

  it('a key swapped in the middle gives each side another code', async () => {
    // The man in the middle shows Alice M instead of B, and Bob M instead of A.
    expect(await safetyCodeOf(A, M)).not.toBe(await safetyCodeOf(B, M));
  });

  it('reads fingerprints from getStats certificates, else from the SDP', () => {
    const report = new Map<string, unknown>([
      ['T', { type: 'transport', id: 'T', localCertificateId: 'L', remoteCertificateId: 'R' }],
      [
        'L',
        { type: 'certificate', id: 'L', fingerprint: 'aa:bb', fingerprintAlgorithm: 'SHA-256' },
      ],
      [
        'R',
        { type: 'certificate', id: 'R', fingerprint: 'cc:dd', fingerprintAlgorithm: 'sha-256' },
      ],
    ]) as unknown as RTCStatsReport;
    expect(observedFingerprints(report, undefined, undefined)).toEqual({
      local: 'sha-256 AA:BB',
      remote: 'sha-256 CC:DD',
    });
    const sdp = (fp: string) => `v=0\r\na=fingerprint:sha-256 ${fp}\r\nm=audio 9\r\n`;
    expect(fingerprintsOfSdp(sdp('ab:cd'))).toEqual(['sha-256 AB:CD']);
    expect(
      observedFingerprints(new Map() as unknown as RTCStatsReport, sdp('01'), sdp('02')),
    ).toEqual({
      local: 'sha-256 01',
      remote: 'sha-256 02',
    });
    expect(
      observedFingerprints(new Map() as unknown as RTCStatsReport, sdp('01'), undefined),
    ).toBeNull();
  });
});
