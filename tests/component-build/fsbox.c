/* A named preopen is a capability for a component too: paths under it
 * (stat-at; set-times-at and metadata-hash-at share its lookup) cannot climb out with "..". The preopen is the
 * directory fd from 3 up under which "inside.txt" is found. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *err(int r) { return r == 0 ? "ok" : errno == EPERM ? "EPERM" : errno == ENOENT ? "ENOENT" : strerror(errno); }

int main(void) {
  struct stat st;
  int dir = -1;
  for (int fd = 3; fd < 16 && dir < 0; fd++)
    if (fstatat(fd, "inside.txt", &st, 0) == 0) dir = fd;
  printf("found the preopen: %s\n", dir >= 0 ? "yes" : "no");
  printf("stat above the preopen: %s\n", err(fstatat(dir, "../secret.txt", &st, 0)));
  printf("stat above, no follow: %s\n", err(fstatat(dir, "../secret.txt", &st, AT_SYMLINK_NOFOLLOW)));
  return 0;
}
