/* A signal handler runs between two statements of the program and leaves
 * everything else as it was: constructors ran once, before main;
 * destructors and atexit functions run once, at exit; a stdio stream keeps
 * its buffer (output not written early, input not read twice). socklab
 * entered handlers through the trampoline's export, which wasm-ld wraps in
 * __wasm_call_ctors and __wasm_call_dtors (with wasi-libc's __stdio_exit):
 * every handler ran them all again. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test_tmp.h"

static int ctors, dtors, handled;
__attribute__((constructor)) static void ctor(void) { ctors++; }
__attribute__((destructor)) static void dtor(void) {
  dtors++;
  char line[40];
  int n = snprintf(line, sizeof line, "destructor: %d time(s)\n", dtors);
  write(1, line, n);
}
static void at_exit(void) { printf("atexit: ctors=%d handled=%d\n", ctors, handled); }
static void on_usr1(int sig) {
  (void)sig;
  handled++;
}

int main(void) {
  /* Blocks, as glibc buffers a pipe (musl writes the first line at once): both libcs then hold all of it to exit. */
  setvbuf(stdout, NULL, _IOFBF, 4096);
  atexit(at_exit);
  signal(SIGUSR1, on_usr1);
  char path[256];
  FILE *w = fopen(tmp_path(path, sizeof path, "sig_ctors.txt"), "w");
  for (int i = 1; i <= 5; i++) fprintf(w, "line %d\n", i);
  fclose(w);

  /* Input: the stream's buffer holds the whole file after the first fgets; a handler between reads must not
   * move the descriptor's offset back under it. */
  FILE *r = fopen(path, "r");
  char buf[32];
  int lines = 0;
  while (fgets(buf, sizeof buf, r)) {
    lines++;
    raise(SIGUSR1);
  }
  fclose(r);
  unlink(path);

  /* Output: a partial line stays in stdout's buffer across a handler, and comes out in one piece. */
  printf("partial ");
  raise(SIGUSR1);
  printf("line, after %d handlers\n", handled);
  printf("read %d lines; constructors ran %d time(s), destructors %d\n", lines, ctors, dtors);
  return 0;
}
