/**
 * The behaviours the conformance suite checks, by stable id; each id's text is the test's title.
 * Every behaviour runs on every harness: there is no way to skip one.
 * @packageDocumentation
 */

/** Every behaviour id with the title of its test. */
export const CONFORMANCE_BEHAVIOURS = {
  'session-request':
    'a session request is raised once per new peer, not once per packet, and holds its data back',
  'session-request-repost':
    "while an unaccepted peer keeps sending, the session request comes again after the backend's re-post interval",
  'held-until-accept': 'packets from a peer without a session are held, not readable, until accepted',
  'send-accepts-implicitly': 'sending to a peer accepts its session request implicitly',
  'unaccepted-hold':
    "packets from an unaccepted peer can still be accepted just before the backend's hold time, and are gone just after it",
  'reliable-in-order': 'reliable packets arrive exactly once and in order per (peer, channel)',
  'channels-independent': "channels are independent queues: reading one channel never returns another's data",
  'unreliable-delivery':
    'unreliable packets arrive intact, attributed to their sender, under default conditions',
  'unreliable-size-limit':
    "the unreliable limit is exactly Steam's (1200 bytes; 512 KiB Sockets): the limit goes through intact, one byte more is refused",
  'reliable-size-limit':
    "the reliable limit is exactly Steam's (1 MiB legacy, 512 KiB Messages and Sockets): the limit goes through intact, one byte more is refused",
  'send-failure-reason': 'a refused send says why in lastSendFailure, and a successful send clears it',
  'invalid-steam-id': 'an invalid SteamID is refused by every call, without throwing',
  'accept-without-request': 'accepting a valid SteamID returns true even without a pending request',
  'connect-fail-timeout':
    "sending to a peer that never answers raises connect-fail with Timeout at the backend's connect timeout",
  'connect-fail-unaccepted':
    "a peer that never accepts makes the sender's session fail with Timeout at the connect timeout",
  'connect-fail-once':
    'connect-fail is posted once per session (legacy, Sockets) or once per connection attempt (Messages); closing the session re-arms it',
  'connection-lost-timeout':
    "an established session whose remote vanished fails with Timeout at the backend's connection-lost timeout",
  'send-after-fail':
    'after a failed session its unsent packets are dropped and a later send starts a new attempt',
  'close-session':
    'closing a session drops its queued data, and new data from that peer raises a new session request',
  'close-returns-false': 'close calls return false when nothing was open',
  'close-last-channel': 'closing the last open channel to a user closes the session',
  'session-state': 'session state is null without a session and reports connecting, then active, truthfully',
  'idle-timeout':
    "a session nobody sends on closes silently at the backend's idle timeout (never, on legacy), and the next send asks again",
  'read-truncates': 'a read smaller than the packet truncates it, and the rest of that packet is lost',
  'read-never-blocks': 'reading with nothing waiting returns null at once and the available size is null',
  'empty-packet':
    'a 0-byte packet is a packet: its available size is 0 (not null), it reads as empty, and what follows it is reachable',
  'no-delay-before-connected':
    'UnreliableNoDelay is dropped while the session is not yet connected, and the send reports it as the backend does',
  'buffering-delay':
    "ReliableWithBuffering waits exactly the backend's coalescing delay, unless a Reliable send or a full MTU flushes it",
  'receive-buffer-unreliable':
    "a flood of unreliable packets on a channel nobody reads stops at the receive buffer's message and byte limits; the rest is dropped",
  'receive-buffer-reliable':
    'reliable packets past the receive buffer wait at the sender, whose sends fail with limitExceeded at its send buffer, and all arrive in order once read',
  'receive-buffer-unaccepted': 'what an unaccepted peer floods is bounded by the same receive buffer limits',
  'events-only-from-run-callbacks':
    'events fire only from runCallbacks, never inside a send or while time passes',
  'send-to-self': 'a peer can send packets to itself',
  'send-copies-data': 'a buffer changed after sending does not change what is delivered',
  'argument-validation': 'out-of-range arguments throw InvalidArgumentError',
  'relay-setting': 'allowP2PPacketRelay returns true and sessions still connect afterwards',
} as const;

/** One conformance behaviour id. */
export type ConformanceBehaviour = keyof typeof CONFORMANCE_BEHAVIOURS;
