;; A WASI 0.2 command component, written by hand, that uses wasi:filesystem
;; directly (no libc, no adapter). argv[1] picks the role:
;;   write   in the preopened "/": create tmp/notes.txt, write at an offset and
;;           through a stream, stat it, read it back through a stream, make a
;;           directory, list tmp/, unlink the file (then opening it fails but the
;;           open descriptor still reads it)
;;   ro      read data/in.txt (a read-only mount), then try to create data/out.txt
;;   full    write 64 KiB blocks to tmp/big until the filesystem is full
;;   many    open and drop tmp/x 3000 times (more than the fd limit)
;;   keep    open data/in.txt (a mounted host file) 50 times and exit without dropping any
;;   cap     in the last preopen (named "using NAME"), make d/x, then try what a capability refuses: ".." above a
;;           descriptor or above the preopen, an absolute path, a symlink to "/etc", a
;;           relative symlink that climbs above the preopen, readlink-at above a descriptor,
;;           a symlink to an absolute path the host directory holds (hostlink -> /d)
;;           (each prints ok, or the link's target, or its error code)
;; Error codes and descriptor types print as two-digit numbers (their order in
;; wasi:filesystem/types: error-code 20 no-entry, 23 insufficient-space,
;; 31 not-permitted, 33 read-only; descriptor-type 03 directory, 06 regular-file).
(component
  (import "wasi:io/error@0.2.0" (instance $error (export "error" (type (sub resource)))))
  (alias export $error "error" (type $error-t))
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
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $os-t (type $os))
    (export "output-stream" (type $o (eq $os)))
    (export "get-stdout" (func (result (own $o))))))
  (import "wasi:filesystem/types@0.2.0" (instance $fs
    (alias outer 1 $is-t (type $is0)) (export "input-stream" (type $is (eq $is0)))
    (alias outer 1 $os-t (type $os0)) (export "output-stream" (type $os (eq $os0)))
    (export "descriptor" (type $d (sub resource)))
    (export "directory-entry-stream" (type $des (sub resource)))
    (type $ec0 (enum "access" "would-block" "already" "bad-descriptor" "busy" "deadlock" "quota" "exist"
      "file-too-large" "illegal-byte-sequence" "in-progress" "interrupted" "invalid" "io" "is-directory" "loop"
      "too-many-links" "message-size" "name-too-long" "no-device" "no-entry" "no-lock" "insufficient-memory"
      "insufficient-space" "not-directory" "not-empty" "not-recoverable" "unsupported" "no-tty" "no-such-device"
      "overflow" "not-permitted" "pipe" "read-only" "invalid-seek" "text-file-busy" "cross-device"))
    (export "error-code" (type $ec (eq $ec0)))
    (type $dt0 (enum "unknown" "block-device" "character-device" "directory" "fifo" "symbolic-link" "regular-file" "socket"))
    (export "descriptor-type" (type $dt (eq $dt0)))
    (type $pf0 (flags "symlink-follow"))
    (export "path-flags" (type $pf (eq $pf0)))
    (type $of0 (flags "create" "directory" "exclusive" "truncate"))
    (export "open-flags" (type $of (eq $of0)))
    (type $df0 (flags "read" "write" "file-integrity-sync" "data-integrity-sync" "requested-write-sync" "mutate-directory"))
    (export "descriptor-flags" (type $df (eq $df0)))
    (type $tm0 (record (field "seconds" u64) (field "nanoseconds" u32)))
    (export "datetime" (type $tm (eq $tm0)))
    (type $st0 (record (field "type" $dt) (field "link-count" u64) (field "size" u64)
      (field "data-access-timestamp" (option $tm)) (field "data-modification-timestamp" (option $tm))
      (field "status-change-timestamp" (option $tm))))
    (export "descriptor-stat" (type $st (eq $st0)))
    (type $de0 (record (field "type" $dt) (field "name" string)))
    (export "directory-entry" (type $de (eq $de0)))
    (export "[method]descriptor.open-at"
      (func (param "self" (borrow $d)) (param "path-flags" $pf) (param "path" string) (param "open-flags" $of)
        (param "flags" $df) (result (result (own $d) (error $ec)))))
    (export "[method]descriptor.write"
      (func (param "self" (borrow $d)) (param "buffer" (list u8)) (param "offset" u64) (result (result u64 (error $ec)))))
    (export "[method]descriptor.read"
      (func (param "self" (borrow $d)) (param "length" u64) (param "offset" u64) (result (result (tuple (list u8) bool) (error $ec)))))
    (export "[method]descriptor.stat" (func (param "self" (borrow $d)) (result (result $st (error $ec)))))
    (export "[method]descriptor.write-via-stream"
      (func (param "self" (borrow $d)) (param "offset" u64) (result (result (own $os) (error $ec)))))
    (export "[method]descriptor.read-via-stream"
      (func (param "self" (borrow $d)) (param "offset" u64) (result (result (own $is) (error $ec)))))
    (export "[method]descriptor.create-directory-at"
      (func (param "self" (borrow $d)) (param "path" string) (result (result (error $ec)))))
    (export "[method]descriptor.unlink-file-at"
      (func (param "self" (borrow $d)) (param "path" string) (result (result (error $ec)))))
    (export "[method]descriptor.symlink-at"
      (func (param "self" (borrow $d)) (param "old-path" string) (param "new-path" string) (result (result (error $ec)))))
    (export "[method]descriptor.readlink-at"
      (func (param "self" (borrow $d)) (param "path" string) (result (result string (error $ec)))))
    (export "[method]descriptor.remove-directory-at"
      (func (param "self" (borrow $d)) (param "path" string) (result (result (error $ec)))))
    (export "[method]descriptor.read-directory" (func (param "self" (borrow $d)) (result (result (own $des) (error $ec)))))
    (export "[method]directory-entry-stream.read-directory-entry"
      (func (param "self" (borrow $des)) (result (result (option $de) (error $ec)))))))
  (alias export $fs "descriptor" (type $d-t))
  (alias export $fs "directory-entry-stream" (type $des-t))
  (import "wasi:filesystem/preopens@0.2.0" (instance $pre
    (alias outer 1 $d-t (type $d0))
    (export "descriptor" (type $d (eq $d0)))
    (export "get-directories" (func (result (list (tuple (own $d) string)))))))

  ;; Memory and a bump allocator, instantiated first so the lowered imports can name them.
  (core module $Mem
    (memory (export "memory") 4)
    (global $heap (mut i32) (i32.const 131072))
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
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush")
    (memory (core memory $mem "memory"))))
  (core func $sread (canon lower (func $streams "[method]input-stream.blocking-read")
    (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $get-directories (canon lower (func $pre "get-directories")
    (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $open-at (canon lower (func $fs "[method]descriptor.open-at") (memory (core memory $mem "memory"))))
  (core func $dwrite (canon lower (func $fs "[method]descriptor.write") (memory (core memory $mem "memory"))))
  (core func $dread (canon lower (func $fs "[method]descriptor.read")
    (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $stat (canon lower (func $fs "[method]descriptor.stat") (memory (core memory $mem "memory"))))
  (core func $write-via-stream (canon lower (func $fs "[method]descriptor.write-via-stream") (memory (core memory $mem "memory"))))
  (core func $read-via-stream (canon lower (func $fs "[method]descriptor.read-via-stream") (memory (core memory $mem "memory"))))
  (core func $mkdir (canon lower (func $fs "[method]descriptor.create-directory-at") (memory (core memory $mem "memory"))))
  (core func $unlink (canon lower (func $fs "[method]descriptor.unlink-file-at") (memory (core memory $mem "memory"))))
  (core func $symlink (canon lower (func $fs "[method]descriptor.symlink-at") (memory (core memory $mem "memory"))))
  (core func $readlink (canon lower (func $fs "[method]descriptor.readlink-at")
    (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $rmdir (canon lower (func $fs "[method]descriptor.remove-directory-at") (memory (core memory $mem "memory"))))
  (core func $read-directory (canon lower (func $fs "[method]descriptor.read-directory") (memory (core memory $mem "memory"))))
  (core func $read-entry (canon lower (func $fs "[method]directory-entry-stream.read-directory-entry")
    (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $drop-descriptor (canon resource.drop $d-t))
  (core func $drop-entries (canon resource.drop $des-t))
  (core func $drop-output (canon resource.drop $os-t))
  (core func $drop-input (canon resource.drop $is-t))

  (core module $Main
    (import "mem" "memory" (memory 4))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i32)))
    (import "wasi" "sread" (func $sread (param i32 i64 i32)))
    (import "wasi" "get-directories" (func $get-directories (param i32)))
    ;; self, path-flags, path ptr, path len, open-flags, descriptor-flags, retptr
    (import "wasi" "open-at" (func $open-at (param i32 i32 i32 i32 i32 i32 i32)))
    (import "wasi" "dwrite" (func $dwrite (param i32 i32 i32 i64 i32)))
    (import "wasi" "dread" (func $dread (param i32 i64 i64 i32)))
    (import "wasi" "stat" (func $stat (param i32 i32)))
    (import "wasi" "write-via-stream" (func $write-via-stream (param i32 i64 i32)))
    (import "wasi" "read-via-stream" (func $read-via-stream (param i32 i64 i32)))
    (import "wasi" "mkdir" (func $mkdir (param i32 i32 i32 i32)))
    (import "wasi" "unlink" (func $unlink (param i32 i32 i32 i32)))
    (import "wasi" "read-directory" (func $read-directory (param i32 i32)))
    (import "wasi" "symlink" (func $symlink (param i32 i32 i32 i32 i32 i32)))
    (import "wasi" "readlink" (func $readlink (param i32 i32 i32 i32)))
    (import "wasi" "rmdir" (func $rmdir (param i32 i32 i32 i32)))
    (import "wasi" "read-entry" (func $read-entry (param i32 i32)))
    (import "wasi" "drop-descriptor" (func $drop-descriptor (param i32)))
    (import "wasi" "drop-entries" (func $drop-entries (param i32)))
    (import "wasi" "drop-output" (func $drop-output (param i32)))
    (import "wasi" "drop-input" (func $drop-input (param i32)))

    ;; 256: return area (8-aligned, 128 bytes); 512: return area for stdout writes; 600: digits
    (data (i32.const 1024) "preopen ")                    ;; 8
    (data (i32.const 1040) "tmp/notes.txt")               ;; 13
    (data (i32.const 1056) "hello file\n")                ;; 11
    (data (i32.const 1072) "via a stream\n")              ;; 13
    (data (i32.const 1088) "size ")                       ;; 5
    (data (i32.const 1096) "tmp/sub")                     ;; 7
    (data (i32.const 1104) "tmp/sub/x")                   ;; 9
    (data (i32.const 1120) "tmp")                         ;; 3
    (data (i32.const 1128) "reopen: error-code ")         ;; 19
    (data (i32.const 1152) "after unlink: ")              ;; 14
    (data (i32.const 1168) "data/in.txt")                 ;; 11
    (data (i32.const 1184) "data/out.txt")                ;; 12
    (data (i32.const 1200) "create: error-code ")         ;; 19
    (data (i32.const 1224) "tmp/big")                     ;; 7
    (data (i32.const 1232) "write: error-code ")          ;; 18
    (data (i32.const 1256) "tmp/x")                       ;; 5
    (data (i32.const 1264) "opened and dropped 3000\n")   ;; 24
    (data (i32.const 1296) "error-code ")                 ;; 11
    (data (i32.const 1312) "unknown role\n")              ;; 13
    (data (i32.const 1328) " ")                           ;; 1
    (data (i32.const 1336) "in.txt: ")                    ;; 8
    (data (i32.const 1344) "\n")                          ;; 1
    (data (i32.const 1352) "kept 50 open\n")              ;; 13
    (data (i32.const 1400) "d")                           ;; 1
    (data (i32.const 1408) "x")                           ;; 1
    (data (i32.const 1416) "../d/x")                      ;; 6
    (data (i32.const 1424) "../../../d/x")                ;; 12
    (data (i32.const 1440) "..")                          ;; 2
    (data (i32.const 1448) "/d/x")                        ;; 4
    (data (i32.const 1456) "/etc")                        ;; 4
    (data (i32.const 1464) "abs")                         ;; 3
    (data (i32.const 1472) "../..")                       ;; 5
    (data (i32.const 1480) "up")                          ;; 2
    (data (i32.const 1488) "d/up/d/x")                    ;; 8
    (data (i32.const 1504) "d/./x")                       ;; 5
    (data (i32.const 1512) "ok\n")                        ;; 3
    (data (i32.const 1520) "dot-dot above the descriptor: ") ;; 30
    (data (i32.const 1552) "dot-dot above /: ")           ;; 17
    (data (i32.const 1576) "open-at ..: ")                ;; 12
    (data (i32.const 1592) "absolute path: ")             ;; 15
    (data (i32.const 1608) "symlink to /etc: ")           ;; 17
    (data (i32.const 1632) "readlink: ")                  ;; 10
    (data (i32.const 1648) "through a climbing symlink: ") ;; 28
    (data (i32.const 1680) "inside: ")                    ;; 8
    (data (i32.const 1688) "remove: ")                    ;; 8
    (data (i32.const 1696) "../d/up")                     ;; 7
    (data (i32.const 1704) "readlink above the descriptor: ") ;; 31
    (data (i32.const 1736) "hostlink/x")                  ;; 10
    (data (i32.const 1752) "through an absolute symlink: ") ;; 29
    (data (i32.const 1784) "using ")                      ;; 6

    (global $out (mut i32) (i32.const 0))
    (global $root (mut i32) (i32.const 0))

    (func $print (param $p i32) (param $n i32)
      (call $write (global.get $out) (local.get $p) (local.get $n) (i32.const 512)))
    ;; prints N (0-99) as two digits, then a newline (or a space when $sp)
    (func $print-num (param $n i32) (param $sp i32)
      (i32.store8 (i32.const 600) (i32.add (i32.const 48) (i32.div_u (local.get $n) (i32.const 10))))
      (i32.store8 (i32.const 601) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (i32.store8 (i32.const 602) (select (i32.const 32) (i32.const 10) (local.get $sp)))
      (call $print (i32.const 600) (i32.const 3)))
    (func $failed (result i32) (i32.load8_u (i32.const 256)))
    ;; result<_, error-code>: the code at offset 1; result<T, error-code> with a 4-byte T at 4, an 8-byte T at 8
    (func $err1 (result i32) (i32.load8_u (i32.const 257)))
    (func $err4 (result i32) (i32.load8_u (i32.const 260)))
    (func $err8 (result i32) (i32.load8_u (i32.const 264)))
    (func $die (param $code i32)
      (call $print (i32.const 1296) (i32.const 11))
      (call $print-num (local.get $code) (i32.const 0))
      (unreachable))
    ;; open-at(root, no symlink-follow, path, open-flags, descriptor-flags): the descriptor, or -1 with the code at 260
    (func $open (param $path i32) (param $len i32) (param $oflags i32) (param $dflags i32) (result i32)
      (call $open-at (global.get $root) (i32.const 0) (local.get $path) (local.get $len) (local.get $oflags) (local.get $dflags) (i32.const 256))
      (if (result i32) (call $failed) (then (i32.const -1)) (else (i32.load (i32.const 260)))))

    ;; open-at(dir, path-flags, path, open-flags, descriptor-flags): the descriptor, or -1 with the code at 260
    (func $openat (param $dir i32) (param $pf i32) (param $path i32) (param $len i32) (param $oflags i32) (param $dflags i32) (result i32)
      (call $open-at (local.get $dir) (local.get $pf) (local.get $path) (local.get $len) (local.get $oflags) (local.get $dflags) (i32.const 256))
      (if (result i32) (call $failed) (then (i32.const -1)) (else (i32.load (i32.const 260)))))
    ;; prints the label, then "ok" or the error code ($code when $bad)
    (func $report (param $label i32) (param $llen i32) (param $bad i32) (param $code i32)
      (call $print (local.get $label) (local.get $llen))
      (if (local.get $bad)
        (then (call $print (i32.const 1296) (i32.const 11)) (call $print-num (local.get $code) (i32.const 0)))
        (else (call $print (i32.const 1512) (i32.const 3)))))
    ;; opens a path for reading (dropping it again) and reports how that went
    (func $try-open (param $dir i32) (param $pf i32) (param $path i32) (param $len i32) (param $oflags i32) (param $label i32) (param $llen i32)
      (local $f i32)
      (local.set $f (call $openat (local.get $dir) (local.get $pf) (local.get $path) (local.get $len) (local.get $oflags) (i32.const 1)))
      (if (i32.ge_s (local.get $f) (i32.const 0)) (then (call $drop-descriptor (local.get $f))))
      (call $report (local.get $label) (local.get $llen) (i32.lt_s (local.get $f) (i32.const 0)) (call $err4)))

    (func $cap-role (result i32)
      (local $sub i32) (local $f i32)
      (call $mkdir (global.get $root) (i32.const 1400) (i32.const 1) (i32.const 256))
      (if (call $failed) (then (call $die (call $err1))))
      ;; d as a directory (open-flags directory), read|mutate-directory
      (local.set $sub (call $openat (global.get $root) (i32.const 0) (i32.const 1400) (i32.const 1) (i32.const 2) (i32.const 33)))
      (if (i32.lt_s (local.get $sub) (i32.const 0)) (then (call $die (call $err4))))
      ;; d/x: create, write
      (local.set $f (call $openat (local.get $sub) (i32.const 0) (i32.const 1408) (i32.const 1) (i32.const 1) (i32.const 2)))
      (if (i32.lt_s (local.get $f) (i32.const 0)) (then (call $die (call $err4))))
      (call $drop-descriptor (local.get $f))
      (call $try-open (local.get $sub) (i32.const 0) (i32.const 1416) (i32.const 6) (i32.const 0) (i32.const 1520) (i32.const 30))
      (call $try-open (local.get $sub) (i32.const 0) (i32.const 1424) (i32.const 12) (i32.const 0) (i32.const 1552) (i32.const 17))
      (call $try-open (global.get $root) (i32.const 0) (i32.const 1440) (i32.const 2) (i32.const 2) (i32.const 1576) (i32.const 12))
      (call $try-open (global.get $root) (i32.const 0) (i32.const 1448) (i32.const 4) (i32.const 0) (i32.const 1592) (i32.const 15))
      ;; symlink-at(d, "/etc", "abs"); when made, read it back and remove it
      (call $symlink (local.get $sub) (i32.const 1456) (i32.const 4) (i32.const 1464) (i32.const 3) (i32.const 256))
      (call $report (i32.const 1608) (i32.const 17) (call $failed) (call $err1))
      (if (i32.eqz (call $failed))
        (then
          (call $readlink (local.get $sub) (i32.const 1464) (i32.const 3) (i32.const 256))
          (if (call $failed) (then (call $die (call $err4))))
          (call $print (i32.const 1632) (i32.const 10))
          (call $print (i32.load (i32.const 260)) (i32.load (i32.const 264)))
          (call $print (i32.const 1344) (i32.const 1))
          (call $unlink (local.get $sub) (i32.const 1464) (i32.const 3) (i32.const 256))
          (if (call $failed) (then (call $die (call $err1))))))
      ;; d/up -> ../.. is made either way; following it from the preopen climbs above it
      (call $symlink (local.get $sub) (i32.const 1472) (i32.const 5) (i32.const 1480) (i32.const 2) (i32.const 256))
      (if (call $failed) (then (call $die (call $err1))))
      (call $try-open (global.get $root) (i32.const 1) (i32.const 1488) (i32.const 8) (i32.const 0) (i32.const 1648) (i32.const 28))
      (call $readlink (local.get $sub) (i32.const 1696) (i32.const 7) (i32.const 256))
      (if (call $failed)
        (then (call $report (i32.const 1704) (i32.const 31) (i32.const 1) (call $err4)))
        (else
          (call $print (i32.const 1704) (i32.const 31))
          (call $print (i32.load (i32.const 260)) (i32.load (i32.const 264)))
          (call $print (i32.const 1344) (i32.const 1))))
      (call $unlink (local.get $sub) (i32.const 1480) (i32.const 2) (i32.const 256))
      (if (call $failed) (then (call $die (call $err1))))
      (call $try-open (global.get $root) (i32.const 1) (i32.const 1736) (i32.const 10) (i32.const 0) (i32.const 1752) (i32.const 29))
      (call $try-open (global.get $root) (i32.const 0) (i32.const 1504) (i32.const 5) (i32.const 0) (i32.const 1680) (i32.const 8))
      (call $unlink (local.get $sub) (i32.const 1408) (i32.const 1) (i32.const 256))
      (if (call $failed) (then (call $die (call $err1))))
      (call $drop-descriptor (local.get $sub))
      (call $rmdir (global.get $root) (i32.const 1400) (i32.const 1) (i32.const 256))
      (call $report (i32.const 1688) (i32.const 8) (call $failed) (call $err1))
      (i32.const 0))

    (func $write-role (result i32)
      (local $f i32) (local $s i32) (local $d i32) (local $des i32)
      ;; create|truncate, read|write
      (local.set $f (call $open (i32.const 1040) (i32.const 13) (i32.const 9) (i32.const 3)))
      (if (i32.lt_s (local.get $f) (i32.const 0)) (then (call $die (call $err4))))
      (call $dwrite (local.get $f) (i32.const 1056) (i32.const 11) (i64.const 0) (i32.const 256))
      (if (call $failed) (then (call $die (call $err8))))
      (call $write-via-stream (local.get $f) (i64.const 11) (i32.const 256))
      (if (call $failed) (then (call $die (call $err4))))
      (local.set $s (i32.load (i32.const 260)))
      (call $write (local.get $s) (i32.const 1072) (i32.const 13) (i32.const 512))
      (call $drop-output (local.get $s))
      (call $stat (local.get $f) (i32.const 256))
      (if (call $failed) (then (call $die (call $err8))))
      (call $print (i32.const 1088) (i32.const 5))
      (call $print-num (i32.wrap_i64 (i64.load (i32.const 280))) (i32.const 0))
      (call $read-via-stream (local.get $f) (i64.const 0) (i32.const 256))
      (if (call $failed) (then (call $die (call $err4))))
      (local.set $s (i32.load (i32.const 260)))
      (call $sread (local.get $s) (i64.const 100) (i32.const 256))
      (if (call $failed) (then (call $die (i32.const 99))))
      (call $print (i32.load (i32.const 260)) (i32.load (i32.const 264)))
      (call $drop-input (local.get $s))
      (call $mkdir (global.get $root) (i32.const 1096) (i32.const 7) (i32.const 256))
      (if (call $failed) (then (call $die (call $err1))))
      ;; create, write
      (local.set $d (call $open (i32.const 1104) (i32.const 9) (i32.const 1) (i32.const 2)))
      (if (i32.lt_s (local.get $d) (i32.const 0)) (then (call $die (call $err4))))
      (call $drop-descriptor (local.get $d))
      ;; tmp/ as a directory, read
      (local.set $d (call $open (i32.const 1120) (i32.const 3) (i32.const 2) (i32.const 1)))
      (if (i32.lt_s (local.get $d) (i32.const 0)) (then (call $die (call $err4))))
      (call $read-directory (local.get $d) (i32.const 256))
      (if (call $failed) (then (call $die (call $err4))))
      (local.set $des (i32.load (i32.const 260)))
      (block $done
        (loop $next
          (call $read-entry (local.get $des) (i32.const 256))
          (if (call $failed) (then (call $die (call $err4))))
          (br_if $done (i32.eqz (i32.load8_u (i32.const 260))))
          (call $print (i32.load (i32.const 268)) (i32.load (i32.const 272)))
          (call $print (i32.const 1328) (i32.const 1))
          (call $print-num (i32.load8_u (i32.const 264)) (i32.const 0))
          (br $next)))
      (call $drop-entries (local.get $des))
      (call $drop-descriptor (local.get $d))
      (call $unlink (global.get $root) (i32.const 1040) (i32.const 13) (i32.const 256))
      (if (call $failed) (then (call $die (call $err1))))
      (if (i32.ge_s (call $open (i32.const 1040) (i32.const 13) (i32.const 0) (i32.const 1)) (i32.const 0))
        (then (call $die (i32.const 98))))
      (call $print (i32.const 1128) (i32.const 19))
      (call $print-num (call $err4) (i32.const 0))
      (call $dread (local.get $f) (i64.const 5) (i64.const 0) (i32.const 256))
      (if (call $failed) (then (call $die (call $err4))))
      (call $print (i32.const 1152) (i32.const 14))
      (call $print (i32.load (i32.const 260)) (i32.load (i32.const 264)))
      (call $print (i32.const 1344) (i32.const 1))
      (call $drop-descriptor (local.get $f))
      (i32.const 0))

    (func $ro-role (result i32)
      (local $f i32)
      (local.set $f (call $open (i32.const 1168) (i32.const 11) (i32.const 0) (i32.const 1)))
      (if (i32.lt_s (local.get $f) (i32.const 0)) (then (call $die (call $err4))))
      (call $dread (local.get $f) (i64.const 100) (i64.const 0) (i32.const 256))
      (if (call $failed) (then (call $die (call $err4))))
      (call $print (i32.const 1336) (i32.const 8))
      (call $print (i32.load (i32.const 260)) (i32.load (i32.const 264)))
      (call $drop-descriptor (local.get $f))
      (local.set $f (call $open (i32.const 1184) (i32.const 12) (i32.const 1) (i32.const 2)))
      (if (i32.ge_s (local.get $f) (i32.const 0)) (then (call $die (i32.const 97))))
      (call $print (i32.const 1200) (i32.const 19))
      (call $print-num (call $err4) (i32.const 0))
      (i32.const 0))

    (func $full-role (result i32)
      (local $f i32) (local $i i32) (local $off i64)
      (local.set $f (call $open (i32.const 1224) (i32.const 7) (i32.const 1) (i32.const 2)))
      (if (i32.lt_s (local.get $f) (i32.const 0)) (then (call $die (call $err4))))
      (loop $again
        (call $dwrite (local.get $f) (i32.const 65536) (i32.const 65536) (local.get $off) (i32.const 256))
        (if (call $failed)
          (then
            (call $print (i32.const 1232) (i32.const 18))
            (call $print-num (call $err8) (i32.const 0))
            (return (i32.const 0))))
        (local.set $off (i64.add (local.get $off) (i64.load (i32.const 264))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 100))))
      (i32.const 1))

    (func $many-role (result i32)
      (local $f i32) (local $i i32)
      (loop $again
        (local.set $f (call $open (i32.const 1256) (i32.const 5) (i32.const 1) (i32.const 2)))
        (if (i32.lt_s (local.get $f) (i32.const 0)) (then (call $die (call $err4))))
        (call $drop-descriptor (local.get $f))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 3000))))
      (call $print (i32.const 1264) (i32.const 24))
      (i32.const 0))

    (func $keep-role (result i32)
      (local $i i32)
      (loop $again
        (if (i32.lt_s (call $open (i32.const 1168) (i32.const 11) (i32.const 0) (i32.const 1)) (i32.const 0)) (then (call $die (call $err4))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 50))))
      (call $print (i32.const 1352) (i32.const 13))
      (i32.const 0))

    (func (export "run") (result i32)
      (local $argv i32) (local $role i32)
      (global.set $out (call $get-stdout))
      (call $get-arguments (i32.const 256))
      (local.set $argv (i32.load (i32.const 256)))
      (if (i32.lt_u (i32.load (i32.const 260)) (i32.const 2)) (then (call $print (i32.const 1312) (i32.const 13)) (return (i32.const 1))))
      (local.set $role (i32.load8_u (i32.load (i32.add (local.get $argv) (i32.const 8)))))
      ;; the first preopen: list<tuple<descriptor, string>> at 256: its elements at (i32.load 256), 12 bytes each
      (call $get-directories (i32.const 256))
      (if (i32.eqz (i32.load (i32.const 260))) (then (call $die (i32.const 96))))
      (global.set $root (i32.load (i32.load (i32.const 256))))
      (call $print (i32.const 1024) (i32.const 8))
      (call $print (i32.load offset=4 (i32.load (i32.const 256))) (i32.load offset=8 (i32.load (i32.const 256))))
      (call $print (i32.const 1344) (i32.const 1))
      (if (i32.eq (local.get $role) (i32.const 119)) (then (return (call $write-role))))  ;; w
      (if (i32.eq (local.get $role) (i32.const 114)) (then (return (call $ro-role))))     ;; r
      (if (i32.eq (local.get $role) (i32.const 102)) (then (return (call $full-role))))   ;; f
      (if (i32.eq (local.get $role) (i32.const 109)) (then (return (call $many-role))))   ;; m
      (if (i32.eq (local.get $role) (i32.const 107)) (then (return (call $keep-role))))   ;; k
      (if (i32.eq (local.get $role) (i32.const 99))                                       ;; c
        (then
          ;; the last preopen: element count-1
          (local.set $argv (i32.add (i32.load (i32.const 256)) (i32.mul (i32.sub (i32.load (i32.const 260)) (i32.const 1)) (i32.const 12))))
          (global.set $root (i32.load (local.get $argv)))
          (call $print (i32.const 1784) (i32.const 6))
          (call $print (i32.load offset=4 (local.get $argv)) (i32.load offset=8 (local.get $argv)))
          (call $print (i32.const 1344) (i32.const 1))
          (return (call $cap-role))))
      (call $print (i32.const 1312) (i32.const 13))
      (i32.const 1)))

  (core instance $main (instantiate $Main
    (with "mem" (instance $mem))
    (with "wasi" (instance
      (export "get-stdout" (func $get-stdout))
      (export "get-arguments" (func $get-arguments))
      (export "write" (func $write))
      (export "sread" (func $sread))
      (export "get-directories" (func $get-directories))
      (export "open-at" (func $open-at))
      (export "dwrite" (func $dwrite))
      (export "dread" (func $dread))
      (export "stat" (func $stat))
      (export "write-via-stream" (func $write-via-stream))
      (export "read-via-stream" (func $read-via-stream))
      (export "mkdir" (func $mkdir))
      (export "unlink" (func $unlink))
      (export "read-directory" (func $read-directory))
      (export "symlink" (func $symlink))
      (export "readlink" (func $readlink))
      (export "rmdir" (func $rmdir))
      (export "read-entry" (func $read-entry))
      (export "drop-descriptor" (func $drop-descriptor))
      (export "drop-entries" (func $drop-entries))
      (export "drop-output" (func $drop-output))
      (export "drop-input" (func $drop-input))))))
  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-inst)))
