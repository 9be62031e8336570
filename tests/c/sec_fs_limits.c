/* Filesystem inputs an attacker controls (issue #11): huge sparse files,
 * negative and huge lengths, a directory cookie past the end, renaming onto
 * "..", futimens on a read-only mount, and a write flood against --max-fs.
 * Raw WASI calls where wasi-libc would check first. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *ename(int e) {
  switch (e) {
  case 0: return "0";
  case EINVAL: return "EINVAL";
  case EFBIG: return "EFBIG";
  case ENOSPC: return "ENOSPC";
  case EBUSY: return "EBUSY";
  case EROFS: return "EROFS";
  case EBADF: return "EBADF";
  default: return strerror(e);
  }
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "sparse") == 0) {
    int a = open("/tmp/a", O_RDWR | O_CREAT, 0644);
    int b = open("/tmp/b", O_RDWR | O_CREAT, 0644);
    printf("ftruncate 1G: %d %d\n", ftruncate(a, 1 << 30), ftruncate(b, 1 << 30));
    struct stat st;
    fstat(a, &st);
    printf("size %lld\n", (long long)st.st_size);
    char buf[16];
    memset(buf, 'x', sizeof buf);
    ssize_t n = pread(a, buf, sizeof buf, 500 << 20);
    int zero = 1;
    for (int i = 0; i < n; i++) zero &= buf[i] == 0;
    printf("pread in the hole: %zd %s\n", n, zero ? "zeros" : "data");
    printf("write at 1G-4: %zd\n", pwrite(a, "tail", 4, (1 << 30) - 4));
    printf("ftruncate -5: %s\n", ename(__wasi_fd_filestat_set_size(a, (uint64_t)-5)));
    printf("ftruncate 2^40: %s\n", ename(__wasi_fd_filestat_set_size(a, 1ULL << 40)));
    printf("fallocate 2^40: %s\n", ename(__wasi_fd_allocate(a, 0, 1ULL << 40)));
    printf("fallocate len 0: %s\n", ename(__wasi_fd_allocate(a, 0, 0)));
    printf("fallocate 4096: %s\n", ename(__wasi_fd_allocate(b, 0, 4096)));
    __wasi_size_t used = 0;
    char dbuf[256];
    int d = open("/tmp", O_RDONLY | O_DIRECTORY);
    printf("readdir cookie 2^64-1: %s used %u\n", ename(__wasi_fd_readdir(d, (uint8_t *)dbuf, sizeof dbuf, ~0ULL, &used)), (unsigned)used);
    printf("readdir cookie 2^63: %s used %u\n", ename(__wasi_fd_readdir(d, (uint8_t *)dbuf, sizeof dbuf, 1ULL << 63, &used)), (unsigned)used);
    return 0;
  }
  if (strcmp(mode, "flood") == 0) {
    int f = open("/tmp/flood", O_WRONLY | O_CREAT, 0644);
    static char chunk[1 << 20];
    memset(chunk, 'y', sizeof chunk);
    long long total = 0;
    for (;;) {
      ssize_t n = write(f, chunk, sizeof chunk);
      if (n < 0) {
        printf("after %lld bytes: %s\n", total, ename(errno));
        break;
      }
      total += n;
      if (n < (ssize_t)sizeof chunk) printf("short write of %zd\n", n);
    }
    close(f);
    /* Space comes back once the file is gone. */
    unlink("/tmp/flood");
    f = open("/tmp/again", O_WRONLY | O_CREAT, 0644);
    printf("after unlink: %zd\n", write(f, chunk, sizeof chunk));
    return 0;
  }
  if (strcmp(mode, "mnt") == 0) {
    /* argv[2]: a writable mount; argv[3]: a read-only one with a file "f". */
    char q[256], dst[256], ro[256];
    snprintf(q, sizeof q, "%s/q", argv[2]);
    snprintf(dst, sizeof dst, "%s/d/e/..", argv[2]);
    close(open(q, O_WRONLY | O_CREAT, 0644));
    char de[256];
    snprintf(de, sizeof de, "%s/d", argv[2]);
    mkdir(de, 0755);
    snprintf(de, sizeof de, "%s/d/e", argv[2]);
    mkdir(de, 0755);
    printf("rename onto ..: %s\n", rename(q, dst) == 0 ? "0" : ename(errno));
    snprintf(ro, sizeof ro, "%s/f", argv[3]);
    int f = open(ro, O_RDONLY);
    struct timespec ts[2] = {{1, 0}, {1, 0}};
    printf("futimens on ro: %s\n", futimens(f, ts) == 0 ? "0" : ename(errno));
    return 0;
  }
  fprintf(stderr, "usage\n");
  return 2;
}
