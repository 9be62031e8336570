/* The WASI 0.2 imports the component SDK calls, lowered by hand to the
 * canonical ABI (wasm32): handles are i32; a variant flattens to its
 * discriminant then the join of its cases' fields; more than one flat result
 * is written at a return pointer, laid out as below. Lists and strings the
 * host returns are allocated with the exported cabi_realloc. */
#ifndef SOCKLAB_WASI02_H
#define SOCKLAB_WASI02_H
#include <stdint.h>
#include <stddef.h>

#define WASI_IMPORT(iface, name) __attribute__((import_module(iface "@0.2.12"), import_name(name)))

/* wasi:sockets/network error-code, in WIT order. */
enum wasi_ec {
  EC_UNKNOWN, EC_ACCESS_DENIED, EC_NOT_SUPPORTED, EC_INVALID_ARGUMENT, EC_OUT_OF_MEMORY, EC_TIMEOUT,
  EC_CONCURRENCY_CONFLICT, EC_NOT_IN_PROGRESS, EC_WOULD_BLOCK, EC_INVALID_STATE, EC_NEW_SOCKET_LIMIT,
  EC_ADDRESS_NOT_BINDABLE, EC_ADDRESS_IN_USE, EC_REMOTE_UNREACHABLE, EC_CONNECTION_REFUSED,
  EC_CONNECTION_RESET, EC_CONNECTION_ABORTED, EC_DATAGRAM_TOO_LARGE, EC_NAME_UNRESOLVABLE,
  EC_TEMPORARY_RESOLVER_FAILURE, EC_PERMANENT_RESOLVER_FAILURE,
};

/* ip-socket-address flattened: discriminant (0 ipv4, 1 ipv6), then 11 i32s:
 * ipv4 uses port, a0..a3; ipv6 uses port, flow-info, a0..a7, scope-id. */
typedef struct { int32_t tag, f[11]; } wasi_flat_addr;
#define WASI_FLAT_ARGS(a) (a).tag, (a).f[0], (a).f[1], (a).f[2], (a).f[3], (a).f[4], (a).f[5], (a).f[6], (a).f[7], (a).f[8], (a).f[9], (a).f[10]
#define WASI_FLAT_PARAMS int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t

/* ip-socket-address in memory: tag u8 @0, case @4 (align 4, size 32). */
typedef struct {
  uint8_t tag;
  union {
    struct { uint16_t port; uint8_t addr[4]; } v4;
    struct { uint16_t port; uint32_t flow; uint16_t addr[8]; uint32_t scope; } v6;
  } u;
} wasi_sockaddr;

/* result<_, error-code>: is_err u8 @0, error-code u8 @1. */
typedef struct { uint8_t is_err, ec; } wasi_res_unit;
/* result<handle, error-code>: is_err u8 @0, payload @4 (the error-code's byte, or the handle). */
typedef struct { uint8_t is_err; union { uint8_t ec; uint32_t h; } u; } wasi_res_handle;
/* result<tuple<input-stream, output-stream>, error-code>. */
typedef struct { uint8_t is_err; union { uint8_t ec; struct { uint32_t in, out; } s; } u; } wasi_res_streams;
/* result<tuple<tcp-socket, input-stream, output-stream>, error-code>. */
typedef struct { uint8_t is_err; union { uint8_t ec; struct { uint32_t sock, in, out; } s; } u; } wasi_res_accept;
/* result<ip-socket-address, error-code>. */
typedef struct { uint8_t is_err; union { uint8_t ec; wasi_sockaddr a; } u; } wasi_res_addr;
/* result<bool|u8, error-code>: payload @1. */
typedef struct { uint8_t is_err; uint8_t v; } wasi_res_u8;
/* result<u32, error-code>: payload @4. */
typedef struct { uint8_t is_err; union { uint8_t ec; uint32_t v; } u; } wasi_res_u32;
/* result<u64, error-code>: payload @8. */
typedef struct { uint8_t is_err; union { uint8_t ec; uint64_t v; } u; } wasi_res_u64;

/* incoming-datagram (size 40): data list<u8> @0, remote-address @8. */
typedef struct { uint8_t *data; uint32_t len; wasi_sockaddr from; } wasi_in_datagram;
/* outgoing-datagram (size 44): data list<u8> @0, option<ip-socket-address>: tag u8 @8, address @12. */
typedef struct { const uint8_t *data; uint32_t len; uint8_t some; wasi_sockaddr to; } wasi_out_datagram;
/* result<list<incoming-datagram>, error-code>: is_err u8 @0, list or error-code @4. */
typedef struct { uint8_t is_err; union { uint8_t ec; struct { wasi_in_datagram *ptr; uint32_t len; } list; } u; } wasi_res_dgrams;

/* stream-error: tag u8 (0 last-operation-failed(own error), 1 closed), handle @+4. */
typedef struct { uint8_t tag; uint32_t err; } wasi_stream_error;
/* result<list<u8>, stream-error>. */
typedef struct { uint8_t is_err; union { struct { uint8_t *ptr; uint32_t len; } list; wasi_stream_error e; } u; } wasi_res_list;
/* result<u64, stream-error>. */
typedef struct { uint8_t is_err; union { uint64_t v; wasi_stream_error e; } u; } wasi_res_sz;
/* result<_, stream-error>. */
typedef struct { uint8_t is_err; wasi_stream_error e; } wasi_res_sunit;

/* result<option<ip-address>, error-code>: is_err @0; ok: option tag @2, ip-address tag @4, bytes/u16s @6. */
typedef struct {
  uint8_t is_err;
  union {
    uint8_t ec;
    struct {
      uint8_t some;
      struct { uint8_t tag; union { uint8_t v4[4]; uint16_t v6[8]; } u; } ip;
    } opt;
  } u;
} wasi_res_ipaddr;

/* wasi:io */
WASI_IMPORT("wasi:io/poll", "[method]pollable.ready") int32_t wasi_pollable_ready(uint32_t);
WASI_IMPORT("wasi:io/poll", "[method]pollable.block") void wasi_pollable_block(uint32_t);
WASI_IMPORT("wasi:io/poll", "poll") void wasi_poll(const uint32_t *, uint32_t, uint32_t *ret /* list<u32> */);
WASI_IMPORT("wasi:io/poll", "[resource-drop]pollable") void wasi_pollable_drop(uint32_t);
WASI_IMPORT("wasi:io/error", "[resource-drop]error") void wasi_error_drop(uint32_t);
WASI_IMPORT("wasi:io/streams", "[method]input-stream.read") void wasi_in_read(uint32_t, uint64_t, wasi_res_list *);
WASI_IMPORT("wasi:io/streams", "[method]input-stream.blocking-read") void wasi_in_blocking_read(uint32_t, uint64_t, wasi_res_list *);
WASI_IMPORT("wasi:io/streams", "[method]input-stream.subscribe") uint32_t wasi_in_subscribe(uint32_t);
WASI_IMPORT("wasi:io/streams", "[resource-drop]input-stream") void wasi_in_drop(uint32_t);
WASI_IMPORT("wasi:io/streams", "[method]output-stream.check-write") void wasi_out_check_write(uint32_t, wasi_res_sz *);
WASI_IMPORT("wasi:io/streams", "[method]output-stream.write") void wasi_out_write(uint32_t, const void *, uint32_t, wasi_res_sunit *);
WASI_IMPORT("wasi:io/streams", "[method]output-stream.flush") void wasi_out_flush(uint32_t, wasi_res_sunit *);
WASI_IMPORT("wasi:io/streams", "[method]output-stream.blocking-flush") void wasi_out_blocking_flush(uint32_t, wasi_res_sunit *);
WASI_IMPORT("wasi:io/streams", "[method]output-stream.blocking-write-and-flush") void wasi_out_blocking_write_and_flush(uint32_t, const void *, uint32_t, wasi_res_sunit *);
WASI_IMPORT("wasi:io/streams", "[method]output-stream.subscribe") uint32_t wasi_out_subscribe(uint32_t);
WASI_IMPORT("wasi:io/streams", "[resource-drop]output-stream") void wasi_out_drop(uint32_t);

/* wasi:clocks */
WASI_IMPORT("wasi:clocks/monotonic-clock", "subscribe-duration") uint32_t wasi_subscribe_duration(uint64_t);

/* wasi:sockets */
WASI_IMPORT("wasi:sockets/instance-network", "instance-network") uint32_t wasi_instance_network(void);
WASI_IMPORT("wasi:sockets/tcp-create-socket", "create-tcp-socket") void wasi_create_tcp_socket(int32_t family, wasi_res_handle *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.start-bind") void wasi_tcp_start_bind(uint32_t, uint32_t, WASI_FLAT_PARAMS, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.finish-bind") void wasi_tcp_finish_bind(uint32_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.start-connect") void wasi_tcp_start_connect(uint32_t, uint32_t, WASI_FLAT_PARAMS, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.finish-connect") void wasi_tcp_finish_connect(uint32_t, wasi_res_streams *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.start-listen") void wasi_tcp_start_listen(uint32_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.finish-listen") void wasi_tcp_finish_listen(uint32_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.accept") void wasi_tcp_accept(uint32_t, wasi_res_accept *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.local-address") void wasi_tcp_local_address(uint32_t, wasi_res_addr *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.remote-address") void wasi_tcp_remote_address(uint32_t, wasi_res_addr *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.is-listening") int32_t wasi_tcp_is_listening(uint32_t);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.set-listen-backlog-size") void wasi_tcp_set_listen_backlog_size(uint32_t, uint64_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.keep-alive-enabled") void wasi_tcp_keep_alive_enabled(uint32_t, wasi_res_u8 *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.set-keep-alive-enabled") void wasi_tcp_set_keep_alive_enabled(uint32_t, int32_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.keep-alive-idle-time") void wasi_tcp_keep_alive_idle_time(uint32_t, wasi_res_u64 *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.set-keep-alive-idle-time") void wasi_tcp_set_keep_alive_idle_time(uint32_t, uint64_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.keep-alive-interval") void wasi_tcp_keep_alive_interval(uint32_t, wasi_res_u64 *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.set-keep-alive-interval") void wasi_tcp_set_keep_alive_interval(uint32_t, uint64_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.keep-alive-count") void wasi_tcp_keep_alive_count(uint32_t, wasi_res_u32 *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.set-keep-alive-count") void wasi_tcp_set_keep_alive_count(uint32_t, int32_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.hop-limit") void wasi_tcp_hop_limit(uint32_t, wasi_res_u8 *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.set-hop-limit") void wasi_tcp_set_hop_limit(uint32_t, int32_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.receive-buffer-size") void wasi_tcp_receive_buffer_size(uint32_t, wasi_res_u64 *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.set-receive-buffer-size") void wasi_tcp_set_receive_buffer_size(uint32_t, uint64_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.send-buffer-size") void wasi_tcp_send_buffer_size(uint32_t, wasi_res_u64 *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.set-send-buffer-size") void wasi_tcp_set_send_buffer_size(uint32_t, uint64_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.subscribe") uint32_t wasi_tcp_subscribe(uint32_t);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.shutdown") void wasi_tcp_shutdown(uint32_t, int32_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/tcp", "[resource-drop]tcp-socket") void wasi_tcp_drop(uint32_t);
WASI_IMPORT("wasi:sockets/udp-create-socket", "create-udp-socket") void wasi_create_udp_socket(int32_t family, wasi_res_handle *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.start-bind") void wasi_udp_start_bind(uint32_t, uint32_t, WASI_FLAT_PARAMS, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.finish-bind") void wasi_udp_finish_bind(uint32_t, wasi_res_unit *);
/* stream(option<ip-socket-address>): the option's discriminant, then the address flattened. */
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.stream") void wasi_udp_stream(uint32_t, int32_t some, WASI_FLAT_PARAMS, wasi_res_streams *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.local-address") void wasi_udp_local_address(uint32_t, wasi_res_addr *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.remote-address") void wasi_udp_remote_address(uint32_t, wasi_res_addr *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.unicast-hop-limit") void wasi_udp_unicast_hop_limit(uint32_t, wasi_res_u8 *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.set-unicast-hop-limit") void wasi_udp_set_unicast_hop_limit(uint32_t, int32_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.receive-buffer-size") void wasi_udp_receive_buffer_size(uint32_t, wasi_res_u64 *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.set-receive-buffer-size") void wasi_udp_set_receive_buffer_size(uint32_t, uint64_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.send-buffer-size") void wasi_udp_send_buffer_size(uint32_t, wasi_res_u64 *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.set-send-buffer-size") void wasi_udp_set_send_buffer_size(uint32_t, uint64_t, wasi_res_unit *);
WASI_IMPORT("wasi:sockets/udp", "[method]udp-socket.subscribe") uint32_t wasi_udp_subscribe(uint32_t);
WASI_IMPORT("wasi:sockets/udp", "[resource-drop]udp-socket") void wasi_udp_drop(uint32_t);
WASI_IMPORT("wasi:sockets/udp", "[method]incoming-datagram-stream.receive") void wasi_dgram_receive(uint32_t, uint64_t, wasi_res_dgrams *);
WASI_IMPORT("wasi:sockets/udp", "[method]incoming-datagram-stream.subscribe") uint32_t wasi_dgram_in_subscribe(uint32_t);
WASI_IMPORT("wasi:sockets/udp", "[resource-drop]incoming-datagram-stream") void wasi_dgram_in_drop(uint32_t);
WASI_IMPORT("wasi:sockets/udp", "[method]outgoing-datagram-stream.check-send") void wasi_dgram_check_send(uint32_t, wasi_res_u64 *);
WASI_IMPORT("wasi:sockets/udp", "[method]outgoing-datagram-stream.send") void wasi_dgram_send(uint32_t, const wasi_out_datagram *, uint32_t, wasi_res_u64 *);
WASI_IMPORT("wasi:sockets/udp", "[method]outgoing-datagram-stream.subscribe") uint32_t wasi_dgram_out_subscribe(uint32_t);
WASI_IMPORT("wasi:sockets/udp", "[resource-drop]outgoing-datagram-stream") void wasi_dgram_out_drop(uint32_t);
WASI_IMPORT("wasi:sockets/ip-name-lookup", "resolve-addresses") void wasi_resolve_addresses(uint32_t, const char *, uint32_t, wasi_res_handle *);
WASI_IMPORT("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.resolve-next-address") void wasi_resolve_next_address(uint32_t, wasi_res_ipaddr *);
WASI_IMPORT("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.subscribe") uint32_t wasi_resolve_subscribe(uint32_t);
WASI_IMPORT("wasi:sockets/ip-name-lookup", "[resource-drop]resolve-address-stream") void wasi_resolve_drop(uint32_t);

/* The preview1 adapter's descriptor slots: a socket fd is a slot it reserves
 * (so its own descriptors never get the same number) and refuses (EBADF). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("adapter_open_badfd"))) int32_t __socklab_adapter_open_badfd(int32_t *fd);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("adapter_close_badfd"))) int32_t __socklab_adapter_close_badfd(int32_t fd);

/* sockets.c, for netdb.c */
uint32_t __socklab_network(void);
int __socklab_errno_of(int ec);
_Static_assert(sizeof(wasi_sockaddr) == 32, "ip-socket-address");
_Static_assert(sizeof(wasi_in_datagram) == 40 && offsetof(wasi_in_datagram, from) == 8, "incoming-datagram");
_Static_assert(sizeof(wasi_out_datagram) == 44 && offsetof(wasi_out_datagram, to) == 12, "outgoing-datagram");
#endif
