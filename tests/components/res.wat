;; Resources through socklab's direct bindings (host/component/direct.ts):
;;   stdin     copy stdin to stdout with blocking-read until stream-error.closed
;;   copy      the same with blocking-splice, 3 bytes at a time
;;   poll      poll([stdout's pollable, a 1 s timer]) = [0]; then poll([timer]) = [0] after the wait
;;   handles   instance-network twice: two handles; drop one, bind with the other; then use the dropped one (a trap)
;;   leak      100 sockets, pollables and timers never dropped (process end frees them)
(component
  (import "wasi:io/error@0.2.0" (instance $error (export "error" (type (sub resource)))))
  (alias export $error "error" (type $error-t))
  (import "wasi:io/poll@0.2.0" (instance $poll
    (export "pollable" (type $p (sub resource)))
    (export "poll" (func (param "in" (list (borrow $p))) (result (list u32))))))
  (alias export $poll "pollable" (type $pollable-t))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (alias outer 1 $error-t (type $err))
    (export "error" (type $e (eq $err)))
    (alias outer 1 $pollable-t (type $p0))
    (export "pollable" (type $p (eq $p0)))
    (export "input-stream" (type $is (sub resource)))
    (export "output-stream" (type $os (sub resource)))
    (type $se (variant (case "last-operation-failed" (own $e)) (case "closed")))
    (export "stream-error" (type $se2 (eq $se)))
    (export "[method]input-stream.blocking-read"
      (func (param "self" (borrow $is)) (param "len" u64) (result (result (list u8) (error $se2)))))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se2)))))
    (export "[method]output-stream.subscribe" (func (param "self" (borrow $os)) (result (own $p))))
    (export "[method]output-stream.blocking-splice"
      (func (param "self" (borrow $os)) (param "src" (borrow $is)) (param "len" u64) (result (result u64 (error $se2)))))))
  (alias export $streams "input-stream" (type $is-t))
  (alias export $streams "output-stream" (type $os-t))
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $mono
    (alias outer 1 $pollable-t (type $p0))
    (export "pollable" (type $p (eq $p0)))
    (export "subscribe-duration" (func (param "when" u64) (result (own $p))))))
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/stdin@0.2.0" (instance $stdin
    (alias outer 1 $is-t (type $is))
    (export "input-stream" (type $i (eq $is)))
    (export "get-stdin" (func (result (own $i))))))
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
    (alias outer 1 $network-t (type $n0)) (export "network" (type $n (eq $n0)))
    (alias outer 1 $ec-t (type $ec0)) (export "error-code" (type $ec (eq $ec0)))
    (alias outer 1 $sa-t (type $sa0)) (export "ip-socket-address" (type $sa (eq $sa0)))
    (alias outer 1 $fam-t (type $fam0)) (export "ip-address-family" (type $fam (eq $fam0)))
    (export "tcp-socket" (type $ts (sub resource)))
    (export "[method]tcp-socket.start-bind"
      (func (param "self" (borrow $ts)) (param "network" (borrow $n)) (param "local-address" $sa) (result (result (error $ec)))))))
  (alias export $tcp "tcp-socket" (type $ts-t))
  (import "wasi:sockets/tcp-create-socket@0.2.0" (instance $tcpc
    (alias outer 1 $ec-t (type $ec0)) (export "error-code" (type $ec (eq $ec0)))
    (alias outer 1 $fam-t (type $fam0)) (export "ip-address-family" (type $fam (eq $fam0)))
    (alias outer 1 $ts-t (type $ts0)) (export "tcp-socket" (type $ts (eq $ts0)))
    (export "create-tcp-socket" (func (param "address-family" $fam) (result (result (own $ts) (error $ec)))))))

  (core module $Mem
    (memory (export "memory") 1)
    (global $heap (export "heap") (mut i32) (i32.const 32768))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))

  (core func $get-arguments (canon lower (func $env "get-arguments") (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $get-stdin (canon lower (func $stdin "get-stdin")))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $read (canon lower (func $streams "[method]input-stream.blocking-read") (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory (core memory $mem "memory"))))
  (core func $splice (canon lower (func $streams "[method]output-stream.blocking-splice") (memory (core memory $mem "memory"))))
  (core func $out-subscribe (canon lower (func $streams "[method]output-stream.subscribe")))
  (core func $after (canon lower (func $mono "subscribe-duration")))
  (core func $poll (canon lower (func $poll "poll") (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $drop-pollable (canon resource.drop $pollable-t))
  (core func $drop-network (canon resource.drop $network-t))
  (core func $instance-network (canon lower (func $inet "instance-network")))
  (core func $create (canon lower (func $tcpc "create-tcp-socket") (memory (core memory $mem "memory"))))
  (core func $start-bind (canon lower (func $tcp "[method]tcp-socket.start-bind") (memory (core memory $mem "memory"))))

  (core module $Main
    (import "mem" "memory" (memory 1))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi" "get-stdin" (func $get-stdin (result i32)))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "read" (func $read (param i32 i64 i32)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "splice" (func $splice (param i32 i32 i64 i32)))
    (import "wasi" "out-subscribe" (func $out-subscribe (param i32) (result i32)))
    (import "wasi" "after" (func $after (param i64) (result i32)))
    (import "wasi" "poll" (func $poll (param i32 i32 i32)))
    (import "wasi" "drop-pollable" (func $drop-pollable (param i32)))
    (import "wasi" "drop-network" (func $drop-network (param i32)))
    (import "wasi" "instance-network" (func $instance-network (result i32)))
    (import "wasi" "create" (func $create (param i32 i32)))
    (import "wasi" "start-bind" (func $start-bind (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))

    ;; 256: return area; 512: return area for writes; 2048: poll's list; texts from 1024
    (data (i32.const 1024) "closed\n")       ;; 7
    (data (i32.const 1040) "ready 0: 0\n")   ;; 11: count at 1046, first index at 1049
    (data (i32.const 1056) "timer 0\n")      ;; 8: index at 1062
    (data (i32.const 1072) "two handles\n")  ;; 12
    (data (i32.const 1088) "bound\n")        ;; 6
    (data (i32.const 1104) "not trapped\n")  ;; 12
    (data (i32.const 1120) "leaked 100\n")   ;; 11
    (global $out (mut i32) (i32.const 0))

    (func $print (param $p i32) (param $n i32)
      (call $write (global.get $out) (local.get $p) (local.get $n) (i32.const 512)))
    (func $socket (result i32)
      (call $create (i32.const 0) (i32.const 256))
      (if (i32.load8_u (i32.const 256)) (then (unreachable)))
      (i32.load (i32.const 260)))
    ;; start-bind(s, net, 0.0.0.0:port): 0 when ok
    (func $bind (param $s i32) (param $net i32) (param $port i32) (result i32)
      (call $start-bind (local.get $s) (local.get $net)
        (i32.const 0) (local.get $port) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (i32.const 256))
      (i32.load8_u (i32.const 256)))

    (func $stdin
      (local $in i32)
      (local.set $in (call $get-stdin))
      (loop $again
        (call $read (local.get $in) (i64.const 16) (i32.const 256))
        (if (i32.load8_u (i32.const 256))
          (then
            ;; stream-error: case 1 is closed
            (if (i32.ne (i32.load8_u (i32.const 260)) (i32.const 1)) (then (unreachable)))
            (call $print (i32.const 1024) (i32.const 7))
            (return)))
        (call $print (i32.load (i32.const 260)) (i32.load (i32.const 264)))
        (br $again)))

    ;; blocking-splice returns result<u64, stream-error>: disc at 256, u64 or the error's case at 264
    (func $copy
      (local $in i32)
      (local.set $in (call $get-stdin))
      (loop $again
        (call $splice (global.get $out) (local.get $in) (i64.const 3) (i32.const 256))
        (if (i32.load8_u (i32.const 256))
          (then
            (if (i32.ne (i32.load8_u (i32.const 264)) (i32.const 1)) (then (unreachable)))
            (call $print (i32.const 1024) (i32.const 7))
            (return)))
        ;; at most 3 bytes a call
        (if (i64.gt_u (i64.load (i32.const 264)) (i64.const 3)) (then (unreachable)))
        (br $again)))

    (func $polls
      (local $p1 i32) (local $p2 i32)
      (local.set $p1 (call $out-subscribe (global.get $out)))
      (local.set $p2 (call $after (i64.const 1000000000)))
      (i32.store (i32.const 2048) (local.get $p1))
      (i32.store (i32.const 2052) (local.get $p2))
      (call $poll (i32.const 2048) (i32.const 2) (i32.const 256))
      (i32.store8 (i32.const 1046) (i32.add (i32.const 48) (i32.load (i32.const 260))))
      (i32.store8 (i32.const 1049) (i32.add (i32.const 48) (i32.load (i32.load (i32.const 256)))))
      (call $print (i32.const 1040) (i32.const 11))
      (call $poll (i32.const 2052) (i32.const 1) (i32.const 256))
      (i32.store8 (i32.const 1062) (i32.add (i32.const 48) (i32.load (i32.load (i32.const 256)))))
      (call $print (i32.const 1056) (i32.const 8))
      (call $drop-pollable (local.get $p1))
      (call $drop-pollable (local.get $p2)))

    (func $handles
      (local $n1 i32) (local $n2 i32)
      (local.set $n1 (call $instance-network))
      (local.set $n2 (call $instance-network))
      (if (i32.ne (local.get $n1) (local.get $n2)) (then (call $print (i32.const 1072) (i32.const 12))))
      (call $drop-network (local.get $n1))
      (if (i32.eqz (call $bind (call $socket) (local.get $n2) (i32.const 7300))) (then (call $print (i32.const 1088) (i32.const 6))))
      (call $drop-network (local.get $n2))
      ;; a dropped handle: the canonical ABI traps
      (drop (call $bind (call $socket) (local.get $n2) (i32.const 7301)))
      (call $print (i32.const 1104) (i32.const 12)))

    (func $leak
      (local $i i32)
      (loop $again
        (drop (call $socket))
        (drop (call $out-subscribe (global.get $out)))
        (drop (call $after (i64.const 5)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 100))))
      (call $print (i32.const 1120) (i32.const 11)))

    (func (export "run") (result i32)
      (local $role i32)
      (global.set $out (call $get-stdout))
      (call $get-arguments (i32.const 256))
      (local.set $role (i32.load8_u (i32.load offset=8 (i32.load (i32.const 256)))))
      (if (i32.eq (local.get $role) (i32.const 115)) (then (call $stdin)))     ;; s
      (if (i32.eq (local.get $role) (i32.const 99)) (then (call $copy)))       ;; c
      (if (i32.eq (local.get $role) (i32.const 112)) (then (call $polls)))     ;; p
      (if (i32.eq (local.get $role) (i32.const 104)) (then (call $handles)))   ;; h
      (if (i32.eq (local.get $role) (i32.const 108)) (then (call $leak)))      ;; l
      (i32.const 0)))
  (core instance $main (instantiate $Main
    (with "mem" (instance $mem))
    (with "wasi" (instance
      (export "get-arguments" (func $get-arguments))
      (export "get-stdin" (func $get-stdin))
      (export "get-stdout" (func $get-stdout))
      (export "read" (func $read))
      (export "write" (func $write))
      (export "splice" (func $splice))
      (export "out-subscribe" (func $out-subscribe))
      (export "after" (func $after))
      (export "poll" (func $poll))
      (export "drop-pollable" (func $drop-pollable))
      (export "drop-network" (func $drop-network))
      (export "instance-network" (func $instance-network))
      (export "create" (func $create))
      (export "start-bind" (func $start-bind))))))
  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-inst)))
