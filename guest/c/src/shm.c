/* shm_open and shm_unlink as glibc has them: a file /dev/shm/NAME (an
 * in-memory directory, host/fs/memfs.ts) opened with O_NOFOLLOW|O_CLOEXEC,
 * sized with ftruncate and mapped MAP_SHARED. __socklab_shm_name is glibc's
 * __shm_get_name, which semaphore.c's named semaphores use too. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SHMDIR "/dev/shm/"

/* out gets /dev/shm/[sem.]NAME: EINVAL for an empty name, one of NAME_MAX or more, or one with a '/' past the leading ones. */
int __socklab_shm_name(const char *name, int sem, char out[sizeof SHMDIR + 4 + NAME_MAX]) {
  while (name[0] == '/') ++name;
  size_t n = strlen(name) + 1;
  if (n == 1 || n >= NAME_MAX || strchr(name, '/') != NULL) return EINVAL;
  memcpy(out, SHMDIR, sizeof SHMDIR - 1);
  char *p = out + sizeof SHMDIR - 1;
  if (sem) {
    memcpy(p, "sem.", 4);
    p += 4;
  }
  memcpy(p, name, n);
  return 0;
}

int shm_open(const char *name, int oflag, mode_t mode) {
  char path[sizeof SHMDIR + 4 + NAME_MAX];
  int err = __socklab_shm_name(name, 0, path);
  if (err) {
    errno = err;
    return -1;
  }
  int fd = open(path, oflag | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd == -1 && errno == EISDIR) errno = EINVAL;
  return fd;
}

int shm_unlink(const char *name) {
  char path[sizeof SHMDIR + 4 + NAME_MAX];
  int err = __socklab_shm_name(name, 0, path);
  if (err) {
    errno = err;
    return -1;
  }
  int r = unlink(path);
  if (r < 0 && errno == EPERM) errno = EACCES;
  return r;
}
