;; A WASI 0.2 command component for `npm run bench` (bench/component.ts),
;; written by hand: the same loops as bench/c/syscalls.c and pingpong.c.
;;   mono N           N calls of wasi:clocks/monotonic-clock.now
;;   wall N           N calls of wasi:clocks/wall-clock.now
;;   byte N           N 1-byte blocking-write-and-flush calls on stdout
;;   server PORT N    accept one connection on 0.0.0.0:PORT, echo N single bytes
;;   client PORT N    connect to 127.0.0.1:PORT, N 1-byte round trips
(component
  (import "wasi:io/error@0.2.0" (instance $error (export "error" (type (sub resource)))))
  (alias export $error "error" (type $error-t))
  (import "wasi:io/poll@0.2.0" (instance $poll
    (export "pollable" (type $p (sub resource)))
    (export "[method]pollable.block" (func (param "self" (borrow $p))))))
  (alias export $poll "pollable" (type $pollable-t))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (alias outer 1 $error-t (type $err))
    (export "error" (type $e (eq $err)))
    (export "input-stream" (type $is (sub resource)))
    (export "output-stream" (type $os (sub resource)))
    (type $se (variant (case "last-operation-failed" (own $e)) (case "closed")))
    (export "stream-error" (type $se2 (eq $se)))
    (export "[method]input-stream.blocking-read"
      (func (param "self" (borrow $is)) (param "len" u64) (result (result (list u8) (error $se2)))))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se2)))))))
  (alias export $streams "input-stream" (type $is-t))
  (alias export $streams "output-stream" (type $os-t))
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $mono
    (export "now" (func (result u64)))))
  (import "wasi:clocks/wall-clock@0.2.0" (instance $wall
    (type $dt (record (field "seconds" u64) (field "nanoseconds" u32)))
    (export "datetime" (type $dte (eq $dt)))
    (export "now" (func (result $dte)))))
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $os-t (type $os))
    (export "output-stream" (type $o (eq $os)))
    (export "get-stdout" (func (result (own $o))))))
  (import "wasi:sockets/network@0.2.0" (instance $network
    (export "network" (type (sub resource)))
    (type $ec (enum "unknown" "access-denied" "not-supported" "invalid-argument" "out-of-memory" "timeout"
      "concurrency-conflict" "not-in-progress" "would-block" "invalid-state" "new-socket-limit"
      "address-not-bindable" "address-in-use" "remote-unreachable" "connection-refused" "connection-reset"
      "connection-aborted" "datagram-too-large" "name-unresolvable" "temporary-resolver-failure"
      "permanent-resolver-failure"))
    (export "error-code" (type (eq $ec)))
    (type $fam (enum "ipv4" "ipv6"))
    (export "ip-address-family" (type (eq $fam)))
    (type $v4 (tuple u8 u8 u8 u8))
    (export "ipv4-address" (type $v4e (eq $v4)))
    (type $v6 (tuple u16 u16 u16 u16 u16 u16 u16 u16))
    (export "ipv6-address" (type $v6e (eq $v6)))
    (type $v4sa (record (field "port" u16) (field "address" $v4e)))
    (export "ipv4-socket-address" (type $v4sae (eq $v4sa)))
    (type $v6sa (record (field "port" u16) (field "flow-info" u32) (field "address" $v6e) (field "scope-id" u32)))
    (export "ipv6-socket-address" (type $v6sae (eq $v6sa)))
    (type $sa (variant (case "ipv4" $v4sae) (case "ipv6" $v6sae)))
    (export "ip-socket-address" (type (eq $sa)))))
  (alias export $network "network" (type $network-t))
  (alias export $network "error-code" (type $ec-t))
  (alias export $network "ip-address-family" (type $fam-t))
  (alias export $network "ip-socket-address" (type $sa-t))
  (import "wasi:sockets/instance-network@0.2.0" (instance $inet
    (alias outer 1 $network-t (type $n))
    (export "network" (type $ne (eq $n)))
    (export "instance-network" (func (result (own $ne))))))
  (import "wasi:sockets/tcp@0.2.0" (instance $tcp
    (alias outer 1 $is-t (type $is0)) (export "input-stream" (type $is (eq $is0)))
    (alias outer 1 $os-t (type $os0)) (export "output-stream" (type $os (eq $os0)))
    (alias outer 1 $pollable-t (type $p0)) (export "pollable" (type $p (eq $p0)))
    (alias outer 1 $network-t (type $n0)) (export "network" (type $n (eq $n0)))
    (alias outer 1 $ec-t (type $ec0)) (export "error-code" (type $ec (eq $ec0)))
    (alias outer 1 $sa-t (type $sa0)) (export "ip-socket-address" (type $sa (eq $sa0)))
    (alias outer 1 $fam-t (type $fam0)) (export "ip-address-family" (type $fam (eq $fam0)))
    (export "tcp-socket" (type $ts (sub resource)))
    (export "[method]tcp-socket.start-bind"
      (func (param "self" (borrow $ts)) (param "network" (borrow $n)) (param "local-address" $sa) (result (result (error $ec)))))
    (export "[method]tcp-socket.finish-bind" (func (param "self" (borrow $ts)) (result (result (error $ec)))))
    (export "[method]tcp-socket.start-connect"
      (func (param "self" (borrow $ts)) (param "network" (borrow $n)) (param "remote-address" $sa) (result (result (error $ec)))))
    (export "[method]tcp-socket.finish-connect"
      (func (param "self" (borrow $ts)) (result (result (tuple (own $is) (own $os)) (error $ec)))))
    (export "[method]tcp-socket.start-listen" (func (param "self" (borrow $ts)) (result (result (error $ec)))))
    (export "[method]tcp-socket.finish-listen" (func (param "self" (borrow $ts)) (result (result (error $ec)))))
    (export "[method]tcp-socket.accept"
      (func (param "self" (borrow $ts)) (result (result (tuple (own $ts) (own $is) (own $os)) (error $ec)))))
    (export "[method]tcp-socket.subscribe" (func (param "self" (borrow $ts)) (result (own $p))))))
  (alias export $tcp "tcp-socket" (type $ts-t))
  (import "wasi:sockets/tcp-create-socket@0.2.0" (instance $tcpc
    (alias outer 1 $ec-t (type $ec0)) (export "error-code" (type $ec (eq $ec0)))
    (alias outer 1 $fam-t (type $fam0)) (export "ip-address-family" (type $fam (eq $fam0)))
    (alias outer 1 $ts-t (type $ts0)) (export "tcp-socket" (type $ts (eq $ts0)))
    (export "create-tcp-socket" (func (param "address-family" $fam) (result (result (own $ts) (error $ec)))))))


  ;; Memory and a bump allocator; $Main resets the heap in its loops.
  (core module $Mem
    (memory (export "memory") 2)
    (global $heap (export "heap") (mut i32) (i32.const 32768))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))

  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $get-arguments (canon lower (func $env "get-arguments")
    (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $mono-now (canon lower (func $mono "now")))
  (core func $wall-now (canon lower (func $wall "now") (memory (core memory $mem "memory"))))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush")
    (memory (core memory $mem "memory"))))
  (core func $read (canon lower (func $streams "[method]input-stream.blocking-read")
    (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $block (canon lower (func $poll "[method]pollable.block")))
  (core func $drop-pollable (canon resource.drop $pollable-t))
  (core func $instance-network (canon lower (func $inet "instance-network")))
  (core func $create (canon lower (func $tcpc "create-tcp-socket") (memory (core memory $mem "memory"))))
  (core func $start-bind (canon lower (func $tcp "[method]tcp-socket.start-bind") (memory (core memory $mem "memory"))))
  (core func $finish-bind (canon lower (func $tcp "[method]tcp-socket.finish-bind") (memory (core memory $mem "memory"))))
  (core func $start-connect (canon lower (func $tcp "[method]tcp-socket.start-connect") (memory (core memory $mem "memory"))))
  (core func $finish-connect (canon lower (func $tcp "[method]tcp-socket.finish-connect") (memory (core memory $mem "memory"))))
  (core func $start-listen (canon lower (func $tcp "[method]tcp-socket.start-listen") (memory (core memory $mem "memory"))))
  (core func $finish-listen (canon lower (func $tcp "[method]tcp-socket.finish-listen") (memory (core memory $mem "memory"))))
  (core func $accept (canon lower (func $tcp "[method]tcp-socket.accept") (memory (core memory $mem "memory"))))
  (core func $subscribe (canon lower (func $tcp "[method]tcp-socket.subscribe")))

  (core module $Main
    (import "mem" "memory" (memory 2))
    (import "mem" "heap" (global $heap (mut i32)))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi" "mono-now" (func $mono-now (result i64)))
    (import "wasi" "wall-now" (func $wall-now (param i32)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "read" (func $read (param i32 i64 i32)))
    (import "wasi" "block" (func $block (param i32)))
    (import "wasi" "drop-pollable" (func $drop-pollable (param i32)))
    (import "wasi" "instance-network" (func $instance-network (result i32)))
    (import "wasi" "create" (func $create (param i32 i32)))
    (import "wasi" "start-bind" (func $start-bind (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "wasi" "finish-bind" (func $finish-bind (param i32 i32)))
    (import "wasi" "start-connect" (func $start-connect (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    (import "wasi" "finish-connect" (func $finish-connect (param i32 i32)))
    (import "wasi" "start-listen" (func $start-listen (param i32 i32)))
    (import "wasi" "finish-listen" (func $finish-listen (param i32 i32)))
    (import "wasi" "accept" (func $accept (param i32 i32)))
    (import "wasi" "subscribe" (func $subscribe (param i32) (result i32)))

    ;; 256: return area; 512: return area for writes; 1024: "x"
    (data (i32.const 1024) "x")
    (global $argv (mut i32) (i32.const 0))
    (global $net (mut i32) (i32.const 0))

    (func $failed (result i32) (i32.load8_u (i32.const 256)))
    ;; argv[i] as a decimal number
    (func $arg-num (param $i i32) (result i32)
      (local $p i32) (local $end i32) (local $n i32)
      (local.set $p (i32.load (i32.add (global.get $argv) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $end (i32.add (local.get $p)
        (i32.load offset=4 (i32.add (global.get $argv) (i32.shl (local.get $i) (i32.const 3))))))
      (block $done
        (loop $digit
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (i32.sub (i32.load8_u (local.get $p)) (i32.const 48))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $digit)))
      (local.get $n))
    (func $wait (param $sock i32)
      (local $p i32)
      (local.set $p (call $subscribe (local.get $sock)))
      (call $block (local.get $p))
      (call $drop-pollable (local.get $p)))
    (func $new-socket (result i32)
      (call $create (i32.const 0) (i32.const 256))
      (if (call $failed) (then (unreachable)))
      (i32.load (i32.const 260)))

    ;; N round trips of one byte: read then write (server) or write then read (client)
    (func $echo (param $in i32) (param $out i32) (param $n i32) (param $first-write i32)
      (local $i i32)
      (block $done
        (loop $again
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (if (local.get $first-write) (then (call $write (local.get $out) (i32.const 1024) (i32.const 1) (i32.const 512))))
          (call $read (local.get $in) (i64.const 1) (i32.const 256))
          (if (call $failed) (then (unreachable)))
          (if (i32.eqz (i32.load (i32.const 264))) (then (unreachable)))
          (global.set $heap (i32.const 32768))
          (if (i32.eqz (local.get $first-write)) (then (call $write (local.get $out) (i32.const 1024) (i32.const 1) (i32.const 512))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $again))))

    (func $server (result i32)
      (local $s i32)
      (local.set $s (call $new-socket))
      (call $start-bind (local.get $s) (global.get $net)
        (i32.const 0) (call $arg-num (i32.const 2)) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (i32.const 256))
      (if (call $failed) (then (return (i32.const 1))))
      (call $finish-bind (local.get $s) (i32.const 256))
      (call $start-listen (local.get $s) (i32.const 256))
      (if (call $failed) (then (return (i32.const 1))))
      (call $finish-listen (local.get $s) (i32.const 256))
      (block $done
        (loop $again
          (call $accept (local.get $s) (i32.const 256))
          (br_if $done (i32.eqz (call $failed)))
          (call $wait (local.get $s))
          (br $again)))
      (call $echo (i32.load (i32.const 264)) (i32.load (i32.const 268)) (call $arg-num (i32.const 3)) (i32.const 0))
      (i32.const 0))

    (func $client (result i32)
      (local $s i32)
      (local.set $s (call $new-socket))
      (call $start-connect (local.get $s) (global.get $net)
        (i32.const 0) (call $arg-num (i32.const 2)) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (i32.const 256))
      (if (call $failed) (then (return (i32.const 1))))
      (block $done
        (loop $again
          (call $finish-connect (local.get $s) (i32.const 256))
          (br_if $done (i32.eqz (call $failed)))
          (if (i32.ne (i32.load8_u (i32.const 260)) (i32.const 8)) (then (return (i32.const 1))))
          (call $wait (local.get $s))
          (br $again)))
      (call $echo (i32.load (i32.const 260)) (i32.load (i32.const 264)) (call $arg-num (i32.const 3)) (i32.const 1))
      (i32.const 0))

    (func (export "run") (result i32)
      (local $role i32) (local $n i32) (local $i i32) (local $sum i64) (local $out i32)
      (local.set $out (call $get-stdout))
      (global.set $net (call $instance-network))
      (call $get-arguments (i32.const 256))
      (global.set $argv (i32.load (i32.const 256)))
      (local.set $role (i32.load8_u (i32.load (i32.add (global.get $argv) (i32.const 8)))))
      (if (i32.eq (local.get $role) (i32.const 115)) (then (return (call $server))))   ;; s
      (if (i32.eq (local.get $role) (i32.const 99)) (then (return (call $client))))   ;; c
      (local.set $n (call $arg-num (i32.const 2)))
      (block $done
        (loop $again
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (if (i32.eq (local.get $role) (i32.const 109))                                 ;; mono
            (then (local.set $sum (i64.add (local.get $sum) (call $mono-now)))))
          (if (i32.eq (local.get $role) (i32.const 119))                                 ;; wall
            (then (call $wall-now (i32.const 256)) (local.set $sum (i64.add (local.get $sum) (i64.load (i32.const 256))))))
          (if (i32.eq (local.get $role) (i32.const 98))                                  ;; byte
            (then (call $write (local.get $out) (i32.const 1024) (i32.const 1) (i32.const 512))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $again)))
      (i32.wrap_i64 (i64.and (local.get $sum) (i64.const 0))))
  )
  (core instance $main (instantiate $Main
    (with "mem" (instance $mem))
    (with "wasi" (instance
      (export "get-stdout" (func $get-stdout))
      (export "get-arguments" (func $get-arguments))
      (export "mono-now" (func $mono-now))
      (export "wall-now" (func $wall-now))
      (export "write" (func $write))
      (export "read" (func $read))
      (export "block" (func $block))
      (export "drop-pollable" (func $drop-pollable))
      (export "instance-network" (func $instance-network))
      (export "create" (func $create))
      (export "start-bind" (func $start-bind))
      (export "finish-bind" (func $finish-bind))
      (export "start-connect" (func $start-connect))
      (export "finish-connect" (func $finish-connect))
      (export "start-listen" (func $start-listen))
      (export "finish-listen" (func $finish-listen))
      (export "accept" (func $accept))
      (export "subscribe" (func $subscribe))))))
  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-inst)))
