/* sigaltstack(2): the host keeps the stack Linux would switch a handler
 * to; wasm cannot move a running C stack, so handlers stay on the guest's
 * own (docs/abi.md). */
#include <signal.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(sigaltstack) int __socklab_sigaltstack(const stack_t *, stack_t *);

int sigaltstack(const stack_t *restrict ss, stack_t *restrict old) {
  return __socklab_ret(__socklab_sigaltstack(ss, old));
}
