/* socklab guest SDK: <semaphore.h> (docs/abi.md). POSIX semaphores as
 * glibc's nptl has them on x86-64: a 32-byte sem_t holding a 64-bit word
 * (the value, and the count of waiters above it) whose low 32 bits are the
 * futex; system calls (futex) only when a waiter sleeps or must be woken.
 * Named semaphores are files /dev/shm/sem.NAME mapped MAP_SHARED, byte for
 * byte glibc's. Replaces wasi-libc's header (musl's, which has no bodies). */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H
#include <fcntl.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef union {
  char __size[32];
  long long __align;
} sem_t;

#define SEM_FAILED ((sem_t *)0)
#define SEM_VALUE_MAX 0x7fffffff

int sem_init(sem_t *, int, unsigned);
int sem_destroy(sem_t *);
int sem_wait(sem_t *);
int sem_trywait(sem_t *);
int sem_timedwait(sem_t *__restrict, const struct timespec *__restrict);
int sem_post(sem_t *);
int sem_getvalue(sem_t *__restrict, int *__restrict);
sem_t *sem_open(const char *, int, ...);
int sem_close(sem_t *);
int sem_unlink(const char *);

#ifdef __cplusplus
}
#endif
#endif
