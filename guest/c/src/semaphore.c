/* <semaphore.h> as glibc's nptl (sem_waitcommon.c, sem_post.c, sem_open.c)
 * on x86-64: sem_t's first 8 bytes are a word holding the value (low 32
 * bits: the futex) and the number of waiters (high 32 bits), then the futex
 * flag (128 for a shared semaphore: glibc's LLL_SHARED). A post calls
 * FUTEX_WAKE only when someone waits; a wait sleeps in FUTEX_WAIT_BITSET
 * (CLOCK_REALTIME, absolute) only when the value is 0, so the trace is
 * glibc's. glibc's compare-and-swap loops are plain loads and stores here:
 * a process runs until its next system call, and a signal handler runs only
 * as a call returns, so nothing comes between them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(futex) int __socklab_futex(volatile uint32_t *, int, uint32_t, const struct timespec *, uint32_t *, uint32_t, int *);
int __socklab_shm_name(const char *name, int sem, char *out);

#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define LLL_SHARED FUTEX_PRIVATE_FLAG
#define NWAITERS_SHIFT 32
#define VALUE_MASK 0xffffffffull
#define ONE_WAITER (1ull << NWAITERS_SHIFT)

struct new_sem {
  volatile uint64_t data;
  int private;
  int pad;
};
_Static_assert(sizeof(struct new_sem) <= sizeof(sem_t), "sem_t holds the semaphore");

/* The futex op with the semaphore's sharing: glibc's op | (private ^ FUTEX_PRIVATE_FLAG). */
static int op_of(const struct new_sem *s, int op) { return op | (s->private ^ FUTEX_PRIVATE_FLAG); }

int sem_init(sem_t *sem, int pshared, unsigned value) {
  if (value > SEM_VALUE_MAX) {
    errno = EINVAL;
    return -1;
  }
  struct new_sem *s = (struct new_sem *)sem;
  s->data = value;
  s->private = pshared ? LLL_SHARED : 0;
  s->pad = 0;
  return 0;
}

int sem_destroy(sem_t *sem) {
  (void)sem;
  return 0;
}

int sem_getvalue(sem_t *restrict sem, int *restrict sval) {
  *sval = (int)(((struct new_sem *)sem)->data & VALUE_MASK);
  return 0;
}

int sem_post(sem_t *sem) {
  struct new_sem *s = (struct new_sem *)sem;
  uint64_t d = s->data;
  if ((d & VALUE_MASK) == SEM_VALUE_MAX) {
    errno = EOVERFLOW;
    return -1;
  }
  s->data = d + 1;
  if (d >> NWAITERS_SHIFT) {
    int n;
    int err = __socklab_futex((volatile uint32_t *)&s->data, op_of(s, FUTEX_WAKE), 1, NULL, NULL, 0, &n);
    if (err) {
      errno = err;
      return -1;
    }
  }
  return 0;
}

/* __new_sem_wait_fast: takes one if the value is not 0. */
static int take(struct new_sem *s) {
  uint64_t d = s->data;
  if ((d & VALUE_MASK) == 0) return -1;
  s->data = d - 1;
  return 0;
}

/* __new_sem_wait_slow64: counted as a waiter, sleeps while the value is 0 (EAGAIN: it changed, look again). */
static int wait_slow(struct new_sem *s, const struct timespec *abstime) {
  uint64_t d = s->data;
  s->data = d + ONE_WAITER;
  for (;;) {
    if ((d & VALUE_MASK) != 0) {
      s->data = d - 1 - ONE_WAITER;
      return 0;
    }
    int err;
    if (abstime != NULL && abstime->tv_sec < 0) err = ETIMEDOUT;
    else {
      int n;
      err = __socklab_futex((volatile uint32_t *)&s->data, op_of(s, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME), 0, abstime, NULL, FUTEX_BITSET_MATCH_ANY, &n);
    }
    if (err && err != EAGAIN) {
      s->data -= ONE_WAITER;
      errno = err;
      return -1;
    }
    d = s->data;
  }
}

int sem_wait(sem_t *sem) {
  struct new_sem *s = (struct new_sem *)sem;
  return take(s) == 0 ? 0 : wait_slow(s, NULL);
}

int sem_trywait(sem_t *sem) {
  if (take((struct new_sem *)sem) == 0) return 0;
  errno = EAGAIN;
  return -1;
}

int sem_timedwait(sem_t *restrict sem, const struct timespec *restrict abstime) {
  if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000) {
    errno = EINVAL;
    return -1;
  }
  struct new_sem *s = (struct new_sem *)sem;
  return take(s) == 0 ? 0 : wait_slow(s, abstime);
}

/* Named semaphores this process has mapped (glibc's __sem_mappings): one mapping per file, counted. */
struct mapping {
  struct mapping *next;
  dev_t dev;
  ino_t ino;
  sem_t *sem;
  unsigned refs;
  char name[];
};
static struct mapping *mappings;

/* __sem_check_add_mapping: the file's mapping if this process has one (existing, if given, is unmapped), else existing or a new one. */
static sem_t *add_mapping(const char *name, int fd, sem_t *existing) {
  struct stat st;
  if (fstat(fd, &st) != 0) return SEM_FAILED;
  for (struct mapping *m = mappings; m; m = m->next) {
    if (m->dev == st.st_dev && m->ino == st.st_ino && strcmp(m->name, name) == 0) {
      m->refs++;
      if (existing != SEM_FAILED) munmap(existing, sizeof(sem_t));
      return m->sem;
    }
  }
  struct mapping *m = malloc(sizeof *m + strlen(name) + 1);
  if (m == NULL) return SEM_FAILED;
  sem_t *sem = existing;
  if (sem == SEM_FAILED) {
    sem = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (sem == MAP_FAILED) {
      free(m);
      return SEM_FAILED;
    }
  }
  m->dev = st.st_dev;
  m->ino = st.st_ino;
  m->sem = sem;
  m->refs = 1;
  strcpy(m->name, name);
  m->next = mappings;
  mappings = m;
  return sem;
}

/* glibc's mktemp suffix, from the pid and a count rather than the clock: the same names each run. */
static void temp_name(char *x) {
  static unsigned count;
  static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  unsigned long v = (unsigned long)getpid() * 7919u + count++ * 104729u;
  for (int i = 0; i < 6; i++, v /= 62) x[i] = chars[v % 62];
}

sem_t *sem_open(const char *name, int oflag, ...) {
  char path[sizeof "/dev/shm/sem." + NAME_MAX];
  int err = __socklab_shm_name(name, 1, path);
  if (err) {
    errno = err;
    return SEM_FAILED;
  }
  sem_t *result = SEM_FAILED;
  int fd = -1;
  if (!(oflag & O_CREAT) || !(oflag & O_EXCL)) {
  try_again:
    fd = open(path, (oflag & ~(O_CREAT | O_ACCMODE)) | O_NOFOLLOW | O_RDWR);
    if (fd == -1) {
      if (oflag & O_CREAT && errno == ENOENT) goto try_create;
    } else
      result = add_mapping(name, fd, SEM_FAILED);
  } else {
  try_create:;
    va_list ap;
    va_start(ap, oflag);
    mode_t mode = va_arg(ap, mode_t);
    unsigned value = va_arg(ap, unsigned);
    va_end(ap);
    if (value > SEM_VALUE_MAX) {
      errno = EINVAL;
      return SEM_FAILED;
    }
    sem_t init;
    memset(&init, 0, sizeof init);
    struct new_sem *s = (struct new_sem *)&init;
    s->data = value;
    s->private = LLL_SHARED;
    char tmp[] = "/dev/shm/sem.XXXXXX";
    for (int tries = 0;; tries++) {
      temp_name(tmp + sizeof tmp - 7);
      fd = open(tmp, O_RDWR | O_CREAT | O_EXCL, mode);
      if (fd != -1) break;
      if (errno != EEXIST) return SEM_FAILED;
      if (tries == 49) {
        errno = EAGAIN;
        return SEM_FAILED;
      }
    }
    if (write(fd, &init, sizeof init) == sizeof init && (result = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) != MAP_FAILED) {
      if (link(tmp, path) != 0) {
        munmap(result, sizeof(sem_t));
        result = SEM_FAILED;
        /* Someone made it first: without O_EXCL, open theirs. */
        if (!(oflag & O_EXCL) && errno == EEXIST) {
          unlink(tmp);
          close(fd);
          goto try_again;
        }
      } else
        result = add_mapping(name, fd, result);
    } else
      result = SEM_FAILED;
    int e = errno;
    unlink(tmp);
    errno = e;
  }
  if (fd != -1) {
    int e = errno;
    close(fd);
    errno = e;
  }
  return result;
}

int sem_close(sem_t *sem) {
  for (struct mapping **pp = &mappings; *pp; pp = &(*pp)->next) {
    struct mapping *m = *pp;
    if (m->sem != sem) continue;
    if (--m->refs == 0) {
      *pp = m->next;
      munmap(m->sem, sizeof(sem_t));
      free(m);
    }
    return 0;
  }
  errno = EINVAL;
  return -1;
}

int sem_unlink(const char *name) {
  char path[sizeof "/dev/shm/sem." + NAME_MAX];
  /* glibc: a name sem_open would refuse (EINVAL) is not there to unlink. */
  if (__socklab_shm_name(name, 1, path)) {
    errno = ENOENT;
    return -1;
  }
  int r = unlink(path);
  if (r < 0 && errno == EPERM) errno = EACCES;
  return r;
}
