/**
 * Whether an answer hands out a TURN credential. The answers that carry
 * ICE servers (room:join and session:resume in `ice`, ice:refresh as the
 * answer itself) all pass through the one handler wrapper, so counting there
 * sees every credential without each handler having to remember to count.
 * buildIceConfig sets `expiresAt` exactly when it minted a TURN credential
 * (STUN servers need none, and give none).
 */
export function issuesTurnCredential(answer: unknown): boolean {
  const ice = isRecord(answer) && isRecord(answer.ice) ? answer.ice : answer;
  return isRecord(ice) && Array.isArray(ice.iceServers) && typeof ice.expiresAt === 'number';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
