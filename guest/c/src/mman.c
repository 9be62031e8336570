/* <sys/mman.h> (docs/abi.md): a mapping is page-aligned, zeroed heap memory
 * that the host checks, fills (a file's bytes) and, for MAP_SHARED, keeps in
 * step with other processes and the file (host/kernel/mman.ts). This file
 * keeps which pages of each allocation are still mapped, so that munmap of
 * a part leaves the rest and the last page unmapped frees the allocation. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "socklab_imports.h"

#define PAGE 4096u

SOCKLAB_IMPORT(mmap) int __socklab_mmap(void *, size_t, int, int, int, long long, void *, uint32_t *);
SOCKLAB_IMPORT(munmap) int __socklab_munmap(void *, size_t);
SOCKLAB_IMPORT(mprotect) int __socklab_mprotect(void *, size_t, int);
SOCKLAB_IMPORT(msync) int __socklab_msync(void *, size_t, int);
SOCKLAB_IMPORT(madvise) int __socklab_madvise(void *, size_t, int);
SOCKLAB_IMPORT(mlock) int __socklab_mlock(const void *, size_t);
SOCKLAB_IMPORT(munlock) int __socklab_munlock(const void *, size_t);
SOCKLAB_IMPORT(mlockall) int __socklab_mlockall(int);
SOCKLAB_IMPORT(munlockall) int __socklab_munlockall(void);

/* One mmap's allocation: its pages, which of them are still mapped. */
struct alloc {
  struct alloc *next;
  char *base;
  size_t pages, live;
  unsigned char mapped[];
};
static struct alloc *allocs;

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset) {
  /* glibc refuses an offset off a page boundary itself, with no system call. */
  if (offset & (PAGE - 1)) {
    errno = EINVAL;
    return MAP_FAILED;
  }
  size_t n = (len + PAGE - 1) & ~(size_t)(PAGE - 1);
  char *buf = NULL;
  struct alloc *a = NULL;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    /* Only inside an existing mapping (the host checks): its pages are already this file's to keep. */
    buf = addr;
  } else if (len && n >= len) {
    a = malloc(sizeof *a + n / PAGE);
    buf = a ? aligned_alloc(PAGE, n) : NULL;
    if (buf) memset(buf, 0, n);
  }
  uint32_t out = 0;
  int err = __socklab_mmap(addr, len, prot, flags, fd, (long long)offset, buf, &out);
  if (err) {
    if (a) {
      free(buf);
      free(a);
    }
    errno = err;
    return MAP_FAILED;
  }
  if (a) {
    a->base = buf;
    a->pages = a->live = n / PAGE;
    memset(a->mapped, 1, a->pages);
    a->next = allocs;
    allocs = a;
  }
  return (void *)(uintptr_t)out;
}

int munmap(void *addr, size_t len) {
  int err = __socklab_munmap(addr, len);
  if (err) return __socklab_ret(err);
  uintptr_t lo = (uintptr_t)addr, hi = lo + ((len + PAGE - 1) & ~(size_t)(PAGE - 1));
  for (struct alloc **pp = &allocs; *pp;) {
    struct alloc *a = *pp;
    uintptr_t b = (uintptr_t)a->base;
    for (size_t i = 0; i < a->pages; i++) {
      uintptr_t pg = b + i * PAGE;
      if (pg >= lo && pg < hi && a->mapped[i]) {
        a->mapped[i] = 0;
        a->live--;
      }
    }
    if (a->live == 0) {
      *pp = a->next;
      free(a->base);
      free(a);
    } else pp = &a->next;
  }
  return 0;
}

int mprotect(void *addr, size_t len, int prot) { return __socklab_ret(__socklab_mprotect(addr, len, prot)); }
int msync(void *addr, size_t len, int flags) { return __socklab_ret(__socklab_msync(addr, len, flags)); }
int madvise(void *addr, size_t len, int advice) { return __socklab_ret(__socklab_madvise(addr, len, advice)); }
/* glibc's: POSIX_MADV_DONTNEED is no call at all (Linux's MADV_DONTNEED discards data); an error is returned, not set. */
int posix_madvise(void *addr, size_t len, int advice) {
  if (advice == POSIX_MADV_DONTNEED) return 0;
  return __socklab_madvise(addr, len, advice);
}
int mlock(const void *addr, size_t len) { return __socklab_ret(__socklab_mlock(addr, len)); }
int munlock(const void *addr, size_t len) { return __socklab_ret(__socklab_munlock(addr, len)); }
int mlockall(int flags) { return __socklab_ret(__socklab_mlockall(flags)); }
int munlockall(void) { return __socklab_ret(__socklab_munlockall()); }
