/* A guest given one directory (argv[1]) tries to get out of it. Every
 * attempt must fail or stay inside; prints what each one saw. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_open(const char *what, const char *p) {
  int fd = open(p, O_RDONLY);
  if (fd < 0) { printf("%s: %s\n", what, strerror(errno)); return; }
  char buf[64] = {0};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  printf("%s: opened, read %zd bytes: %s\n", what, n, n > 0 ? buf : "");
  close(fd);
}

int main(int argc, char **argv) {
  const char *dir = argv[1];
  char p[512];
  snprintf(p, sizeof p, "%s/../../../../etc/os-release", dir);
  try_open("dotdot to /etc/os-release", p);
  try_open("absolute /etc/os-release", "/etc/os-release");
  snprintf(p, sizeof p, "%s/outside-link", dir);
  try_open("host symlink to /etc/os-release", p);
  snprintf(p, sizeof p, "%s/up-link/secret.txt", dir);
  try_open("host symlink to the parent dir", p);
  snprintf(p, sizeof p, "%s/inside.txt", dir);
  try_open("file inside", p);
  snprintf(p, sizeof p, "%s/../secret.txt", dir);
  try_open("dotdot to a sibling of the mount", p);
  snprintf(p, sizeof p, "%s/new.txt", dir);
  int fd = open(p, O_CREAT | O_WRONLY, 0644);
  printf("create in mount: %s\n", fd >= 0 ? "ok" : strerror(errno));
  if (fd >= 0) close(fd);
  return 0;
}
