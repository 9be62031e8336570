;; A WASI 0.2 command component, written by hand, that computes without
;; calling the host: argv[1] "spin" loops forever after printing "spinning";
;; "work" runs 3,000,000 loop iterations, then prints "done". A CPU budget
;; (--fuel, grading's cpu) must stop the first; --timeout stops it too.
(component
  (import "wasi:io/error@0.2.0" (instance $error (export "error" (type (sub resource)))))
  (alias export $error "error" (type $error-t))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (alias outer 1 $error-t (type $err))
    (export "error" (type $e (eq $err)))
    (export "output-stream" (type $os (sub resource)))
    (type $se (variant (case "last-operation-failed" (own $e)) (case "closed")))
    (export "stream-error" (type $se2 (eq $se)))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se2)))))))
  (alias export $streams "output-stream" (type $os-t))
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $os-t (type $os))
    (export "output-stream" (type $o (eq $os)))
    (export "get-stdout" (func (result (own $o))))))

  (core module $Mem
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 32768))
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

  (core module $Main
    (import "mem" "memory" (memory 1))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi" "write" (func $write (param i32 i32 i32 i32)))
    (data (i32.const 1024) "spinning\n")  ;; 9
    (data (i32.const 1040) "done\n")      ;; 5
    (func $spin (param $n i32)
      (local $i i32) (local $x i32)
      (loop $again
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 31)) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.or (i32.eqz (local.get $n)) (i32.lt_u (local.get $i) (local.get $n)))))
      (i32.store (i32.const 2000) (local.get $x)))
    (func (export "run") (result i32)
      (local $out i32)
      (local.set $out (call $get-stdout))
      (call $get-arguments (i32.const 256))
      (if (i32.eq (i32.load8_u (i32.load (i32.add (i32.load (i32.const 256)) (i32.const 8)))) (i32.const 115)) ;; s
        (then
          (call $write (local.get $out) (i32.const 1024) (i32.const 9) (i32.const 512))
          (call $spin (i32.const 0))))
      (call $spin (i32.const 3000000))
      (call $write (local.get $out) (i32.const 1040) (i32.const 5) (i32.const 512))
      (i32.const 0)))
  (core instance $main (instantiate $Main
    (with "mem" (instance $mem))
    (with "wasi" (instance
      (export "get-stdout" (func $get-stdout))
      (export "get-arguments" (func $get-arguments))
      (export "write" (func $write))))))
  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-inst)))
