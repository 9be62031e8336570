/* File modes in a directory given as argv[1] (tests/fsmodes.test.ts: a mounted host directory, where
 * chmod changes the real files): created with mode & ~umask, then chmod, fchmod, fchmodat, each shown
 * by stat. A read-only mount refuses them with EROFS. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *what, const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) printf("%s: stat %s\n", what, strerror(errno));
  else printf("%s: %07o\n", what, (unsigned)st.st_mode);
}
static void res(const char *what, int r) {
  printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "");
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  char f[300], d[300];
  snprintf(f, sizeof f, "%s/file", dir);
  snprintf(d, sizeof d, "%s/sub", dir);
  if (argc > 2) {
    /* Read-only: argv[2] names a file that exists there. */
    snprintf(f, sizeof f, "%s/%s", dir, argv[2]);
    res("chmod read-only", chmod(f, 0600));
    int fd = open(f, O_RDONLY);
    res("fchmod read-only", fchmod(fd, 0600));
    show("unchanged", f);
    return 0;
  }
  umask(027);
  int fd = open(f, O_CREAT | O_RDWR | O_EXCL, 0666);
  show("created file", f);
  res("mkdir", mkdir(d, 0777));
  show("created dir", d);
  res("chmod", chmod(f, 0604));
  show("file", f);
  res("fchmod", fchmod(fd, 0640));
  show("file", f);
  res("fchmodat", fchmodat(AT_FDCWD, d, 0711, 0));
  show("dir", d);
  res("chmod setgid", chmod(d, 02750));
  show("dir", d);
  close(fd);
  return 0;
}
