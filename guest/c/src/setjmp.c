/* setjmp/longjmp (guest/c/include/setjmp.h): the stack is the host's to save
 * and resume (host/kernel/jmp.ts); the signal mask is saved and restored here,
 * with the calls glibc makes, so a trace shows what strace shows for glibc. */
#include <setjmp.h>
#include <signal.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(setjmp) int __socklab_setjmp(void *env) __attribute__((returns_twice));
SOCKLAB_IMPORT(longjmp) _Noreturn void __socklab_longjmp(void *env, int val);

int __sigsetjmp(struct __jmp_buf_tag env[1], int savemask) {
  env->__mask_was_saved = 0;
  if (savemask) {
    sigset_t cur;
    /* glibc's __sigjmp_save: rt_sigprocmask(SIG_BLOCK, NULL, [...]) */
    env->__mask_was_saved = sigprocmask(SIG_BLOCK, 0, &cur) == 0;
    if (env->__mask_was_saved) env->__saved_mask = (unsigned long long)cur;
  }
  return __socklab_setjmp(env);
}

int _setjmp(struct __jmp_buf_tag env[1]) {
  env->__mask_was_saved = 0;
  return __socklab_setjmp(env);
}

/* The function of the name, for a program that takes its address or #undefs the macro. */
#undef setjmp
int setjmp(jmp_buf env) {
  env->__mask_was_saved = 0;
  return __socklab_setjmp(env);
}

/* glibc's longjmp is siglongjmp: the mask comes back if sigsetjmp saved it. */
_Noreturn void siglongjmp(sigjmp_buf env, int val) {
  if (env->__mask_was_saved) {
    sigset_t m = (sigset_t)env->__saved_mask;
    sigprocmask(SIG_SETMASK, &m, 0);
  }
  __socklab_longjmp(env, val);
}
_Noreturn void longjmp(jmp_buf env, int val) { siglongjmp(env, val); }
_Noreturn void _longjmp(jmp_buf env, int val) { siglongjmp(env, val); }
