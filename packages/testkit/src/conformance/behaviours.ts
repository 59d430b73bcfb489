/**
 * The behaviours the conformance suite checks, by stable id. A harness names ids in its
 * `unsupported` map to skip them with a reason; each id's text is the test's title.
 * @packageDocumentation
 */

/** Every behaviour id with the title of its test. */
export const CONFORMANCE_BEHAVIOURS = {
  'session-request': 'a session request is raised once per new peer and re-posted while unaccepted',
  'held-until-accept': 'packets from a peer without a session are held, not readable, until accepted',
  'send-accepts-implicitly': 'sending to a peer accepts its session request implicitly',
  'unaccepted-dropped': 'packets from a peer that is never accepted are dropped after the hold time (~20 s)',
  'reliable-in-order': 'reliable packets arrive exactly once and in order per (peer, channel)',
  'channels-independent': "channels are independent queues: reading one channel never returns another's data",
  'unreliable-delivery':
    'unreliable packets arrive intact, attributed to their sender, under default conditions',
  'unreliable-size-limit':
    "unreliable packets over the backend's limit (1200 bytes) are refused; the limit goes through intact",
  'reliable-size-limit':
    "reliable packets over the backend's limit (1 MiB legacy, 512 KiB Messages) are refused; the limit goes through intact",
  'send-failure-reason': 'a refused send says why in lastSendFailure, and a successful send clears it',
  'invalid-steam-id': 'an invalid SteamID is refused by every call, without throwing',
  'accept-without-request': 'accepting a valid SteamID returns true even without a pending request',
  'connect-fail-timeout':
    'sending to a peer that never answers raises connect-fail with Timeout after the connect timeout',
  'connect-fail-unaccepted': "a peer that never accepts makes the sender's session fail with Timeout",
  'connect-fail-once': 'connect-fail is posted once per failed session; closing the session re-arms it',
  'send-after-fail':
    'after a failed session its unsent packets are dropped and a later send starts a new attempt',
  'close-session':
    'closing a session drops its queued data, and new data from that peer raises a new session request',
  'close-returns-false': 'close calls return false when nothing was open',
  'close-last-channel': 'closing the last open channel to a user closes the session',
  'session-state': 'session state is null without a session and reports connecting, then active, truthfully',
  'read-truncates': 'a read smaller than the packet truncates it, and the rest of that packet is lost',
  'read-never-blocks': 'reading with nothing waiting returns null at once and the available size is null',
  'empty-packet':
    'a 0-byte packet is a packet: its available size is 0 (not null), it reads as empty, and what follows it is reachable',
  'no-delay-before-connected': 'UnreliableNoDelay is dropped while the session is not yet connected',
  'events-only-from-run-callbacks':
    'events fire only from runCallbacks, never inside a send or while time passes',
  'send-to-self': 'a peer can send packets to itself',
  'send-copies-data': 'a buffer changed after sending does not change what is delivered',
  'argument-validation': 'out-of-range arguments throw InvalidArgumentError',
  'relay-setting': 'allowP2PPacketRelay returns true and sessions still connect afterwards',
} as const;

/** One conformance behaviour id. */
export type ConformanceBehaviour = keyof typeof CONFORMANCE_BEHAVIOURS;
