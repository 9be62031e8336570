/* open, creat, mkdir and fopen's modes in a directory given as argv[1] (tests/openmode.test.ts: a mounted host
 * directory, where the real files get mode & ~umask), with relative paths from there. */
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

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) < 0) return 2;
  umask(027);
  int fd = open("opened", O_WRONLY | O_CREAT | O_EXCL, 0664);
  printf("open: %s\n", fd < 0 ? strerror(errno) : "ok");
  close(fd);
  show("opened", "opened");
  fd = creat("created", 0600);
  close(fd);
  show("created", "created");
  printf("mkdir: %d\n", mkdir("dir", 0775));
  show("dir", "dir");
  fclose(fopen("fopened", "w"));
  show("fopened", "fopened");
  fd = open("cloexec", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  printf("cloexec: %d\n", fcntl(fd, F_GETFD));
  show("cloexec", "cloexec");
  return 0;
}
