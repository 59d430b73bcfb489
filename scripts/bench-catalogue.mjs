// Every metric `npm run bench` prints, grouped as docs/PERFORMANCE.md shows them, with one line on
// what each measures. The bench checks its output against this list, the docs are generated from it,
// and a test checks that every name here is one a bench script prints.

/** @type {{ title: string, metrics: [name: string, what: string][] }[]} */
export const SECTIONS = [
  {
    title: 'The host as a game runs it (real koffi binding, native fake library)',
    metrics: [
      ['host_tick_ms_8_legacy', 'arena host frame, 8 clients, legacy ISteamNetworking'],
      ['host_tick_ms_8_messages', 'same, ISteamNetworkingMessages'],
      ['host_tick_ms_8_sockets', 'same, ISteamNetworkingSockets'],
      ['host_tick_ms_64_legacy', 'arena host frame, 64 clients, legacy'],
      ['host_tick_ms_64_messages', 'same, Messages'],
      ['host_tick_ms_64_sockets', 'same, Sockets'],
      ['host_tick_ms_250_legacy', 'arena host frame, 250 clients, legacy'],
      ['host_tick_ms_250_messages', 'same, Messages'],
      ['host_tick_ms_250_sockets', 'same, Sockets'],
      ['ffi_calls_per_host_tick_legacy', 'native crossings in one host frame at 64 clients (median tick)'],
      ['ffi_calls_per_host_tick_messages', 'same, Messages'],
      ['ffi_calls_per_host_tick_sockets', 'same, Sockets'],
    ],
  },
  {
    title: 'The rpc layer alone (in-memory fake, no FFI, no schema, no game step)',
    metrics: [
      ['host_tick_ms_8_inmemory', 'host update + broadcast + flush, 8 clients'],
      ['host_tick_ms_64_inmemory', 'same, 64 clients'],
      ['host_tick_ms_250_inmemory', 'same, 250 clients'],
    ],
  },
  {
    title: 'Per packet through the binding',
    metrics: [
      ['ffi_ns_per_packet', 'legacy send to self + size + read of a 100 B packet'],
      ['c_ns_per_packet', 'the same loop written in C against the same library'],
      ['ffi_vs_c_ratio', 'the two, round by round'],
      ['legacy_ns_per_packet', 'a 64-packet tick between two peers, legacy, per packet'],
      ['messages_ns_per_packet', 'same tick, Messages'],
      ['sockets_ns_per_packet', 'same tick, Sockets'],
      ['messages_packets_per_ffi_call', 'packets per receive call in that tick (set by the bench)'],
      ['sockets_packets_per_ffi_call', 'same, Sockets'],
      ['steamworksjs_ns_per_packet', 'the ffi_ns_per_packet loop through steamworks.js over the same fake'],
    ],
  },
  {
    title: 'Encoding pipeline against raw msgpackr',
    metrics: [
      [
        'rpc_pipeline_ratio_vs_msgpackr',
        'send → batch → fake network → decode → handler ÷ msgpackr pack+unpack; flat input',
      ],
      [
        'rpc_pipeline_ratio_vs_msgpackr_nested',
        'same, one part of the arena snapshot (nested objects and arrays)',
      ],
      ['rpc_pipeline_ratio_vs_msgpackr_chat', 'same, an arena chat line (reliable)'],
      ['rpc_pipeline_ratio_vs_msgpackr_reliable', 'same as the flat one, reliable'],
      [
        'rpc_pipeline_ratio_vs_msgpackr_same_options',
        'flat, against msgpackr with the options rpc uses (records off)',
      ],
      ['rpc_pipeline_msgs_per_sec', 'flat messages per second through the pipeline'],
      ['msgpackr_pack_unpack_per_sec', 'flat msgpackr pack+unpack per second'],
      ['rpc_header_bytes_per_msg', 'framing bytes per message in a full reliable batch'],
      ['rpc_header_bytes_per_msg_unreliable', 'same, a full unreliable packet'],
    ],
  },
  {
    title: 'Memory',
    metrics: [
      ['heap_growth_pct_1m_msgs', 'heap after 1 M messages against after warm-up'],
      ['bytes_allocated_per_received_msg', 'bytes the host allocates per received message'],
    ],
  },
  {
    title: 'JSON instead of msgpack',
    metrics: [
      ['json_ratio', 'JSON throughput ÷ msgpack throughput, same pipeline, 600 B snapshot'],
      ['json_bytes_ratio', 'JSON bytes ÷ msgpack bytes on the wire, same snapshot'],
    ],
  },
  {
    title: 'The in-memory fake network (test double)',
    metrics: [
      ['fake_packets_per_sec', 'small packets carried between two peers per wall second'],
      ['fake_250x60hz_sim_speed', 'simulated seconds per wall second, 250 clients at 60 Hz'],
    ],
  },
];

/** Every metric name, in order. */
export const METRICS = SECTIONS.flatMap((s) => s.metrics.map(([name]) => name));

/** Fields of the metric lines the docs' prose names (besides `value`, `unit` and `goal`). */
export const FIELDS = [
  'min',
  'max',
  'p99',
  'step_ms_p50',
  'update_ms_p50',
  'flush_ms_p50',
  'send_ns_per_packet',
  'receive_ns_per_packet',
  'helper_calls',
  'receive_calls',
  'ratio',
  'kind',
  'fakeMs',
  'vs_same_options',
];
