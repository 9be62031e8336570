/* setjmp and longjmp on socklab (docs/abi.md, "setjmp and longjmp"): the host
 * saves the caller's suspended stack (Asyncify, as fork does) when setjmp is
 * called, and resumes it when longjmp is. glibc's interface: setjmp does not
 * save the signal mask (it is _setjmp), sigsetjmp(env, 1) does, and longjmp
 * and siglongjmp both restore a mask sigsetjmp saved. */
#ifndef _SETJMP_H
#define _SETJMP_H 1
#include <signal.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the host needs to find the saved stack again, and the saved mask. */
struct __jmp_buf_tag {
  unsigned int __magic;
  unsigned int __id;
  int __mask_was_saved;
  int __pad;
  unsigned long long __saved_mask;
};
typedef struct __jmp_buf_tag jmp_buf[1];
typedef struct __jmp_buf_tag sigjmp_buf[1];

int __sigsetjmp(struct __jmp_buf_tag __env[1], int __savemask) __attribute__((returns_twice));
int _setjmp(struct __jmp_buf_tag __env[1]) __attribute__((returns_twice));
int setjmp(jmp_buf __env) __attribute__((returns_twice));
#define setjmp(env) _setjmp(env)
#define sigsetjmp(env, savemask) __sigsetjmp(env, savemask)

_Noreturn void longjmp(struct __jmp_buf_tag __env[1], int __val);
_Noreturn void _longjmp(struct __jmp_buf_tag __env[1], int __val);
_Noreturn void siglongjmp(sigjmp_buf __env, int __val);

#ifdef __cplusplus
}
#endif
#endif
