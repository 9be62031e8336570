/* CPU work for the fuel benchmark: calls and loops, no I/O (built without libc). */
static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((export_name("work"))) unsigned work(unsigned n) {
  unsigned acc = 0;
  for (unsigned i = 0; i < n; i++)
    for (unsigned j = 0; j < 1000; j++) acc = acc * 31u + (i ^ j);
  return acc + fib(n < 30 ? n : 30);
}
