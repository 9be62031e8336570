/* socklab guest SDK: <limits.h>. wasi-libc's, plus PIPE_BUF: socklab's pipes
 * write at most this many bytes atomically, Linux's value. */
#include_next <limits.h>
#ifndef PIPE_BUF
#define PIPE_BUF 4096
#endif
