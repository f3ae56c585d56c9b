// What the SDK relays during a call, as Chromium produces it: trickled ICE
// candidates and ~4.5 KB audio+video session descriptions. Each carries a
// sequence number where a real one carries an opaque number (the candidate's
// foundation, the SDP's session id), so that the receiver can match every
// relayed message to its send time without adding a field (Parley's schemas
// are strict and would refuse one).

const UFRAG = 'Ht2q';

/** An audio+video offer with Chromium's codec list (opus, VP8/VP9/H264/AV1 with RTX). */
function sdpBody() {
  const audio = [
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${UFRAG}`,
    'a=ice-pwd:3Fh0B1v8pY0h2YzUQn1cL9gq',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:79:F2',
    'a=setup:actpass',
    'a=mid:0',
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=sendrecv',
    'a=msid:7d4f0b8e-2b7c-4a0e-9a57-0d3e0f2b6c11 4a1e2c3d-5b6f-4789-a0b1-c2d3e4f5a6b7',
    'a=rtcp-mux',
    'a=rtcp-rsize',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:63 red/48000/2',
    'a=fmtp:63 111/111',
    'a=rtpmap:9 G722/8000',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:13 CN/8000',
    'a=rtpmap:110 telephone-event/48000',
    'a=rtpmap:126 telephone-event/8000',
    'a=ssrc:1947376225 cname:Yq5c2xBqL0d3mF8p',
    'a=ssrc:1947376225 msid:7d4f0b8e-2b7c-4a0e-9a57-0d3e0f2b6c11 4a1e2c3d-5b6f-4789-a0b1-c2d3e4f5a6b7',
  ];
  const video = [
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 35 36 37 38 102 103 104 105 106 107 45 46 112 113 114',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${UFRAG}`,
    'a=ice-pwd:3Fh0B1v8pY0h2YzUQn1cL9gq',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:79:F2',
    'a=setup:actpass',
    'a=mid:1',
    'a=extmap:14 urn:ietf:params:rtp-hdrext:toffset',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=extmap:13 urn:3gpp:video-orientation',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
    'a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type',
    'a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing',
    'a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
    'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
    'a=sendrecv',
    'a=msid:7d4f0b8e-2b7c-4a0e-9a57-0d3e0f2b6c11 9c8b7a6f-5e4d-4c3b-8a29-1f0e2d3c4b5a',
    'a=rtcp-mux',
    'a=rtcp-rsize',
  ];
  const codecs = [
    [96, 'VP8/90000', null],
    [98, 'VP9/90000', 'profile-id=0'],
    [100, 'VP9/90000', 'profile-id=2'],
    [35, 'AV1/90000', 'level-idx=5;profile=0;tier=0'],
    [102, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f'],
    [104, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f'],
    [106, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f'],
    [45, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f'],
  ];
  for (const [pt, name, fmtp] of codecs) {
    video.push(`a=rtpmap:${pt} ${name}`);
    for (const fb of ['goog-remb', 'transport-cc', 'ccm fir', 'nack', 'nack pli']) {
      video.push(`a=rtcp-fb:${pt} ${fb}`);
    }
    if (fmtp) video.push(`a=fmtp:${pt} ${fmtp}`);
    video.push(`a=rtpmap:${pt + 1} rtx/90000`, `a=fmtp:${pt + 1} apt=${pt}`);
  }
  video.push(
    'a=rtpmap:112 red/90000',
    'a=rtpmap:113 rtx/90000',
    'a=fmtp:113 apt=112',
    'a=rtpmap:114 ulpfec/90000',
    'a=ssrc-group:FID 2231627014 632943048',
    'a=ssrc:2231627014 cname:Yq5c2xBqL0d3mF8p',
    'a=ssrc:632943048 cname:Yq5c2xBqL0d3mF8p',
  );
  const session = [
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS 7d4f0b8e-2b7c-4a0e-9a57-0d3e0f2b6c11',
  ];
  return [' 2 IN IP4 127.0.0.1', ...session, ...audio, ...video].join('\r\n') + '\r\n';
}

const SDP_HEAD = 'v=0\r\no=- ';
const SDP_TAIL = sdpBody();
const CANDIDATE_HEAD = 'candidate:';
const CANDIDATE_TAIL = ` 1 udp 2122260223 192.168.1.23 54321 typ host generation 0 ufrag ${UFRAG} network-id 1 network-cost 10`;

/** The SDP of a description numbered `seq` (its session id). */
export const sdpFor = (seq) => `${SDP_HEAD}${seq}${SDP_TAIL}`;

/** The RTCIceCandidateInit of a candidate numbered `seq` (its foundation). */
export const candidateFor = (seq) => ({
  candidate: `${CANDIDATE_HEAD}${seq}${CANDIDATE_TAIL}`,
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: UFRAG,
});

/** The sequence number a relayed description or candidate carries. */
export const seqOfSdp = (sdp) => Number.parseInt(sdp.slice(SDP_HEAD.length), 10);
export const seqOfCandidate = (c) => Number.parseInt(c.candidate.slice(CANDIDATE_HEAD.length), 10);

export const SDP_BYTES = sdpFor(1_000_000).length;
export const CANDIDATE_BYTES = JSON.stringify(candidateFor(1_000_000)).length;
