/**
 * Steam's numbers, per backend, each with where it comes from: the one table the conformance suite
 * checks every implementation against, and the one the in-memory fake takes its defaults from. The
 * native fake keeps its own copy in C (`native/numbers.c`); a test checks the two agree, and the
 * suite measures both against this table, so no implementation is ever checked against itself.
 *
 * Sources: `doc` is Valve's headers or partner docs (STEAM_API.md cites them), `gns` is Valve's
 * open-source GameNetworkingSockets (Steam's build is the same code base but may differ), `seen` was
 * observed on an independent Steam implementation, `issue` was reported by users of other bindings,
 * and `choice` is ours where Steam documents nothing, stated here so nobody mistakes it for Steam's.
 * Pure data: importing this module loads neither vitest nor native code.
 * @packageDocumentation
 */

/** Where one number comes from. */
export interface SteamSource {
  readonly kind: 'doc' | 'gns' | 'seen' | 'issue' | 'choice';
  /** The document, file or thread, with enough detail to find the sentence. */
  readonly ref: string;
}

/** One of Steam's numbers (or rules) and its source. */
export interface SteamFact<T> {
  readonly value: T;
  readonly source: SteamSource;
}

/** What Steam does when a no-delay unreliable send meets a session that is not connected yet. */
export type NoDelayBeforeConnected =
  /** `SendP2PPacket` returns true and Steam drops the packet (legacy API). */
  | 'reportedSentThenDropped'
  /** The send fails with `k_EResultIgnored` (41): `lastSendFailure` is `{ reason: 'ignored', result: 41 }`. */
  | 'ignored';

/** Everything the conformance suite measures that Steam fixes, for one backend. */
export interface SteamBehaviour {
  /** Largest unreliable payload; one byte more is refused (`tooLarge`). */
  readonly maxUnreliableBytes: SteamFact<number>;
  /** Largest reliable payload; one byte more is refused (`tooLarge`). */
  readonly maxReliableBytes: SteamFact<number>;
  /** A send to a peer that never answers (or never accepts) fails with `Timeout` after this long. */
  readonly connectTimeoutMs: SteamFact<number>;
  /** An established session whose remote vanished fails this long after the first unanswered send. */
  readonly connectionLostTimeoutMs: SteamFact<number>;
  /** Packets from a peer that is never accepted stay acceptable this long, then are gone. */
  readonly unacceptedHoldMs: SteamFact<number>;
  /** While an unaccepted peer keeps sending, `sessionRequest` comes again after this long. */
  readonly sessionRequestRepostMs: SteamFact<number>;
  /** True: connect-fail is posted once per session (until it is closed); false: once per attempt. */
  readonly connectFailOncePerSession: SteamFact<boolean>;
  /** `ReliableWithBuffering` data waits this long for more before it goes out (Nagle). */
  readonly bufferingDelayMs: SteamFact<number>;
  /** ...or until this many bytes are buffered; a plain `Reliable` send flushes it at once. */
  readonly bufferingFlushBytes: SteamFact<number>;
  /**
   * Bytes a sender may hold for one peer (queued, buffered, or sent and not yet acknowledged); a send
   * that would go past it fails with `limitExceeded`.
   */
  readonly sendBufferBytes: SteamFact<number>;
  /** The `EResult` a `limitExceeded` failure carries (`null`: the API returns a bare false). */
  readonly sendBufferResult: SteamFact<number | null>;
  /**
   * Bytes a receiver holds for one remote (readable, held for accept, or being reassembled). Past
   * it, unreliable packets are dropped and reliable ones are not acknowledged: they wait at the
   * sender, which resends them once the receiver has read enough.
   */
  readonly recvBufferBytes: SteamFact<number>;
  /** Messages a receiver holds for one remote, with the same rule past it. */
  readonly recvBufferMessages: SteamFact<number>;
  /** What an `UnreliableNoDelay` send does before the session is connected. */
  readonly noDelayBeforeConnected: SteamFact<NoDelayBeforeConnected>;
  /** A session with no send for this long closes silently on that side (`null`: never). */
  readonly idleTimeoutMs: SteamFact<number | null>;
  /**
   * Unreliable payloads larger than this are sent reliably by Steam (`null`: never; every unreliable
   * payload the backend allows stays unreliable).
   */
  readonly unreliableAsReliableAboveBytes: SteamFact<number | null>;
}

const KiB = 1024;
const MiB = 1024 * KiB;

const doc = (ref: string): SteamSource => ({ kind: 'doc', ref });
const gns = (ref: string): SteamSource => ({ kind: 'gns', ref });
const choice = (ref: string): SteamSource => ({ kind: 'choice', ref });

const MTU_RULE = doc(
  'isteamnetworking.h EP2PSend: "UDP-like, unreliable and a max packet size of 1200 bytes"',
);
const UNRELIABLE_UPGRADE = gns(
  'snp.h:55 (15 × 1100 = 16500 bytes) and snp.cpp:326-331: a larger unreliable message is sent reliably (STEAM_API.md §15.7)',
);
const RECV_DROP =
  'steamnetworkingtypes.h k_ESteamNetworkingConfig_RecvBuffer*: "If this limit is exceeded, packets will be dropped"; ' +
  'GNS steamnetworkingsockets_connections.cpp ReceivedMessage refuses the message and snp.cpp does not ack that packet, so the sender resends it';

/**
 * Steam's numbers for each backend the seam can run on. The keys are the backends; a new backend is
 * one more entry here (and one more harness line).
 */
export const STEAM_BEHAVIOUR = {
  legacy: {
    maxUnreliableBytes: { value: 1200, source: MTU_RULE },
    maxReliableBytes: {
      value: MiB,
      source: doc('isteamnetworking.h k_EP2PSendReliable: "Can send up to 1MB of data in a single message"'),
    },
    connectTimeoutMs: {
      value: 20_000,
      source: doc(
        'partner.steamgames.com ISteamNetworking#SendP2PPacket: "if we can\'t get through to the user after a timeout of 20 seconds"',
      ),
    },
    connectionLostTimeoutMs: {
      value: 20_000,
      source: choice(
        'the documented 20 s connect timeout; Steam documents no separate one for a broken session',
      ),
    },
    unacceptedHoldMs: {
      value: 20_000,
      source: {
        kind: 'seen',
        ref: 'DESIGN.md; the Goldberg/gbe_fork emulator drops packets of an unaccepted peer after ORPHANED_PACKET_TIMEOUT (20 s)',
      },
    },
    sessionRequestRepostMs: {
      value: 1000,
      source: choice(
        'isteamnetworking.h: "if the user continues to send you packets, another P2PSessionRequest_t will be posted periodically" (no number)',
      ),
    },
    connectFailOncePerSession: {
      value: true,
      source: { kind: 'issue', ref: 'Steamworks.NET #258 (FizzySteamworks works around it)' },
    },
    bufferingDelayMs: {
      value: 200,
      source: doc(
        'isteamnetworking.h k_EP2PSendReliableWithBuffering: "until the current MTU size ... or ~200ms has passed"',
      ),
    },
    bufferingFlushBytes: {
      value: 1200,
      source: doc(
        'isteamnetworking.h k_EP2PSendReliableWithBuffering: "the current MTU size (typically ~1200 bytes)"',
      ),
    },
    sendBufferBytes: {
      value: 4 * MiB,
      source: choice(
        'Valve docs SendP2PPacket return false when "too many bytes are queued" (no number): four largest reliable packets',
      ),
    },
    sendBufferResult: { value: null, source: doc('ISteamNetworking::SendP2PPacket returns bool') },
    recvBufferBytes: {
      value: MiB,
      source: choice(
        `undocumented for ISteamNetworking: the Messages default (RecvBufferSize). ${RECV_DROP}`,
      ),
    },
    recvBufferMessages: {
      value: 1000,
      source: choice(
        `undocumented for ISteamNetworking: the Messages default (RecvBufferMessages). ${RECV_DROP}`,
      ),
    },
    noDelayBeforeConnected: {
      value: 'reportedSentThenDropped',
      source: doc(
        'isteamnetworking.h k_EP2PSendUnreliableNoDelay: "if the packet can\'t be sent immediately ... will be dropped"',
      ),
    },
    idleTimeoutMs: {
      value: null,
      source: choice('Steam documents no idle timeout for ISteamNetworking sessions'),
    },
    unreliableAsReliableAboveBytes: {
      value: null,
      source: doc(
        'isteamnetworking.h EP2PSend: unreliable sends over 1200 bytes are refused, never upgraded',
      ),
    },
  },
  messages: {
    maxUnreliableBytes: {
      value: 1200,
      source: choice(
        'the binding keeps the legacy MTU rule for unreliable sends (transport-steam MESSAGES_P2P_LIMITS); Steam itself takes up to 512 KiB',
      ),
    },
    maxReliableBytes: {
      value: 512 * KiB,
      source: doc('steamnetworkingtypes.h k_cbMaxSteamNetworkingSocketsMessageSizeSend = 512 * 1024'),
    },
    connectTimeoutMs: {
      value: 10_000,
      source: gns('csteamnetworkingsockets.cpp k_ESteamNetworkingConfig_TimeoutInitial default 10000 ms'),
    },
    connectionLostTimeoutMs: {
      value: 10_000,
      source: gns('csteamnetworkingsockets.cpp k_ESteamNetworkingConfig_TimeoutConnected default 10000 ms'),
    },
    unacceptedHoldMs: {
      value: 10_000,
      source: gns(
        'csteamnetworkingmessages.cpp: messages wait at the sender on a connection the receiver has not accepted, which ends after TimeoutInitial',
      ),
    },
    sessionRequestRepostMs: {
      value: 10_000,
      source: gns(
        'csteamnetworkingmessages.cpp BHandleNewIncomingConnection posts one request per connection; an unaccepted one ends after TimeoutInitial and the next send (AutoRestartBrokenSession) opens another',
      ),
    },
    connectFailOncePerSession: {
      value: false,
      source: gns(
        'csteamnetworkingmessages.cpp CheckConnection posts SessionFailed for each failed connection; AutoRestartBrokenSession opens a new one',
      ),
    },
    bufferingDelayMs: {
      value: 5,
      source: doc('steamnetworkingtypes.h k_ESteamNetworkingConfig_NagleTime: "Default is 5000us"'),
    },
    bufferingFlushBytes: {
      value: 1200,
      source: choice('Nagle flushes a full packet (MTU_DataSize); the fakes use the legacy MTU of payload'),
    },
    sendBufferBytes: {
      value: 512 * KiB,
      source: doc(
        'steamnetworkingtypes.h k_ESteamNetworkingConfig_SendBufferSize: default 512k, then k_EResultLimitExceeded',
      ),
    },
    sendBufferResult: { value: 25, source: doc('steamclientpublic.h k_EResultLimitExceeded = 25') },
    recvBufferBytes: {
      value: MiB,
      source: gns(`csteamnetworkingsockets.cpp RecvBufferSize default 1 MiB. ${RECV_DROP}`),
    },
    recvBufferMessages: {
      value: 1000,
      source: gns(`csteamnetworkingsockets.cpp RecvBufferMessages default 1000. ${RECV_DROP}`),
    },
    noDelayBeforeConnected: {
      value: 'ignored',
      source: doc(
        'steamnetworkingtypes.h k_nSteamNetworkingSend_NoDelay: dropped and k_EResultIgnored if not connected',
      ),
    },
    idleTimeoutMs: {
      value: 180_000,
      source: gns(
        'csteamnetworkingmessages.cpp k_usecSteamNetworkingP2PSessionIdleTimeout = 3*60 s, reset by sends and accepts, no callback (header: "a few minutes")',
      ),
    },
    unreliableAsReliableAboveBytes: { value: 16_500, source: UNRELIABLE_UPGRADE },
  },
  sockets: {
    maxUnreliableBytes: {
      value: 512 * KiB,
      source: doc(
        'steamnetworkingtypes.h k_cbMaxSteamNetworkingSocketsMessageSizeSend = 512 * 1024, reliable or unreliable (STEAM_API.md §15.13)',
      ),
    },
    maxReliableBytes: {
      value: 512 * KiB,
      source: doc('steamnetworkingtypes.h k_cbMaxSteamNetworkingSocketsMessageSizeSend = 512 * 1024'),
    },
    connectTimeoutMs: {
      value: 10_000,
      source: gns(
        'csteamnetworkingsockets.cpp k_ESteamNetworkingConfig_TimeoutInitial default 10000 ms; connections.cpp ends a connect with 5003 "Timed out attempting to connect"',
      ),
    },
    connectionLostTimeoutMs: {
      value: 10_000,
      source: gns(
        'csteamnetworkingsockets.cpp k_ESteamNetworkingConfig_TimeoutConnected default 10000 ms, counted from the first packet the remote leaves unanswered',
      ),
    },
    unacceptedHoldMs: {
      value: 10_000,
      source: gns(
        'connections.cpp:3486-3505: an incoming connection the app neither accepts nor closes ends after TimeoutInitial ("App didn\'t accept or close incoming connection in time"); its data waits at the sender until then',
      ),
    },
    sessionRequestRepostMs: {
      value: 500,
      source: choice(
        "the binding announces a waiting incoming connection again at Steam's connect retry cadence (connections.h:31, 0.5 s); Steam posts the Connecting callback once",
      ),
    },
    connectFailOncePerSession: {
      value: true,
      source: choice(
        'the binding reports a failed connection once per session, as the legacy API does; later sends open new connections silently until closeP2PSessionWithUser',
      ),
    },
    bufferingDelayMs: {
      value: 5,
      source: doc('steamnetworkingtypes.h k_ESteamNetworkingConfig_NagleTime: "Default is 5000us"'),
    },
    bufferingFlushBytes: {
      value: 1200,
      source: choice('Nagle flushes a full packet (MTU_DataSize); the fakes use the legacy MTU of payload'),
    },
    sendBufferBytes: {
      value: 512 * KiB,
      source: doc(
        'steamnetworkingtypes.h k_ESteamNetworkingConfig_SendBufferSize: default 512k, then k_EResultLimitExceeded',
      ),
    },
    sendBufferResult: { value: 25, source: doc('steamclientpublic.h k_EResultLimitExceeded = 25') },
    recvBufferBytes: {
      value: MiB,
      source: gns(`csteamnetworkingsockets.cpp RecvBufferSize default 1 MiB. ${RECV_DROP}`),
    },
    recvBufferMessages: {
      value: 1000,
      source: gns(`csteamnetworkingsockets.cpp RecvBufferMessages default 1000. ${RECV_DROP}`),
    },
    noDelayBeforeConnected: {
      value: 'ignored',
      source: gns(
        'connections.cpp:2016-2020: NoDelay sends in Connecting or FindingRoute return k_EResultIgnored (41)',
      ),
    },
    idleTimeoutMs: {
      value: null,
      source: gns(
        'connections send keepalives while idle; only TimeoutConnected ends one, when the remote stops answering',
      ),
    },
    unreliableAsReliableAboveBytes: { value: 16_500, source: UNRELIABLE_UPGRADE },
  },
} as const satisfies Record<string, SteamBehaviour>;

/** A backend the seam runs on, named as in {@link STEAM_BEHAVIOUR}. */
export type SteamBackendName = keyof typeof STEAM_BEHAVIOUR;

/** The backends of {@link STEAM_BEHAVIOUR}, in table order. */
export const STEAM_BACKENDS = Object.keys(STEAM_BEHAVIOUR) as SteamBackendName[];

/** {@link SteamBehaviour} without the sources: the plain numbers of one backend. */
export type SteamNumbers = { readonly [K in keyof SteamBehaviour]: SteamBehaviour[K]['value'] };

/** The plain numbers of `backend` (a fresh frozen object). */
export function steamNumbers(backend: SteamBackendName): SteamNumbers {
  const row: SteamBehaviour = STEAM_BEHAVIOUR[backend];
  const out: Record<string, unknown> = {};
  for (const [key, fact] of Object.entries(row)) out[key] = fact.value;
  return Object.freeze(out) as unknown as SteamNumbers;
}
