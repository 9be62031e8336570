/* System V shared memory (host/kernel/sysvshm.ts). shmat without an address
 * attaches page-aligned heap memory this file allocates (as mmap.c does for
 * mmap); the host checks the call, fills the pages from the segment and keeps
 * them in step with its other attachments. The allocations are listed here so
 * that shmdt frees them; fork's child inherits the list with its memory. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include "socklab_imports.h"

#define PAGE 4096u

_Static_assert(offsetof(struct shmid_ds, shm_segsz) == 28 && offsetof(struct shmid_ds, shm_atime) == 32 && offsetof(struct shmid_ds, shm_cpid) == 56 && offsetof(struct shmid_ds, shm_nattch) == 64 && sizeof(struct shmid_ds) == 80, "shmid_ds");

SOCKLAB_IMPORT(shmget) int __socklab_shmget(key_t, size_t, int, int *);
SOCKLAB_IMPORT(shmat) int __socklab_shmat(int, const void *, int, void *, uint32_t *);
SOCKLAB_IMPORT(shmdt) int __socklab_shmdt(const void *);
SOCKLAB_IMPORT(shmctl) int __socklab_shmctl(int, int, struct shmid_ds *);
/* Not a system call (untraced): the segment's size, 0 for an id that names none, for the buffer shmat needs. */
SOCKLAB_IMPORT(shm_size) int __socklab_shm_size(int, uint32_t *);

struct attachment {
  struct attachment *next;
  void *buf;
};
static struct attachment *attachments;

int shmget(key_t key, size_t size, int flags) {
  int id = -1;
  return __socklab_ret(__socklab_shmget(key, size, flags, &id)) ? -1 : id;
}

void *shmat(int id, const void *addr, int flags) {
  void *buf = NULL;
  struct attachment *a = NULL;
  if (addr == NULL) {
    uint32_t size = 0;
    __socklab_shm_size(id, &size);
    size_t n = ((size_t)size + PAGE - 1) & ~(size_t)(PAGE - 1);
    if (n >= size && n) {
      a = malloc(sizeof *a);
      buf = a ? aligned_alloc(PAGE, n) : NULL;
    }
  }
  uint32_t out = 0;
  int err = __socklab_shmat(id, addr, flags, buf, &out);
  if (err || (void *)(uintptr_t)out != buf) {
    free(buf);
    free(a);
    if (err) {
      errno = err;
      return (void *)-1;
    }
  } else if (a) {
    a->buf = buf;
    a->next = attachments;
    attachments = a;
  }
  return (void *)(uintptr_t)out;
}

int shmdt(const void *addr) {
  int err = __socklab_shmdt(addr);
  if (err) return __socklab_ret(err);
  for (struct attachment **pp = &attachments; *pp; pp = &(*pp)->next) {
    struct attachment *a = *pp;
    if (a->buf != addr) continue;
    *pp = a->next;
    free(a->buf);
    free(a);
    break;
  }
  return 0;
}

int shmctl(int id, int cmd, struct shmid_ds *buf) { return __socklab_ret(__socklab_shmctl(id, cmd, buf)); }
