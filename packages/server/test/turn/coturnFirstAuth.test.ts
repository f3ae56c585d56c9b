import { describe, expect, it } from 'vitest';
import { mintTurnCredential } from '../../src/turn/credentials.js';
import { startTestCoturn } from './coturnHarness.js';
import { TurnClient } from './turnClient.js';

/**
 * Regression: coturn 4.6.1 opens its SQLite user DB lazily, once per auth
 * thread, at that thread's first authentication, and creates the schema
 * then. Two first authentications at the same moment (the two sides of a
 * call allocating at once) raced on the schema: one got "database is
 * locked" and its valid credential was refused (401), so the call's relay
 * never came up. startCoturn now creates the schema before coturn starts.
 */
describe('coturn first authentications at once', () => {
  it('accepts every valid credential when many clients allocate simultaneously on a fresh server', async () => {
    for (let round = 0; round < 3; round++) {
      const coturn = await startTestCoturn();
      const clients: TurnClient[] = [];
      try {
        for (let i = 0; i < 8; i++) {
          clients.push(await TurnClient.open({ ip: '127.0.0.1', port: coturn.port }));
        }
        const results = await Promise.all(
          clients.map((c, i) => {
            const cred = mintTurnCredential(coturn.secret, `peer-${round}-${i}`, 600, Date.now());
            return c.allocate({
              credentials: { username: cred.username, password: cred.credential },
            });
          }),
        );
        const refused = results.filter((r) => !r.ok);
        expect(refused, coturn.turn.log().split('\n').slice(-10).join('\n')).toEqual([]);
        expect(coturn.turn.log()).not.toMatch(/database is locked/);
      } finally {
        for (const c of clients) c.close();
        await coturn.stop();
      }
    }
  }, 60_000);
});
