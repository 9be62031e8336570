/* socklab guest SDK: sigset_t as Linux's kernel sees it, one bit per signal
 * 1-64 (bit sig-1). wasi-libc's placeholder is one unsigned char, too small
 * for SIGCHLD (17); this header comes first on the include path, and its
 * guard is wasi-libc's, so every header that needs sigset_t gets this one. */
#ifndef __wasilibc___typedef_sigset_t_h
#define __wasilibc___typedef_sigset_t_h
typedef unsigned long long sigset_t;
#endif
