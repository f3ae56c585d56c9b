/**
 * Wire protocol version. A client sends it in the Socket.IO handshake
 * (`auth.protocolVersion`); the server refuses a connection that speaks
 * another version with PROTOCOL_VERSION_MISMATCH instead of misreading it.
 */
export const PROTOCOL_VERSION = 2 as const;
// 2: session resume (resume tokens, peer connection state, server drain).
