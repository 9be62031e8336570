/* An attacker's AF_UNIX paths on --net=real (issue #11): symlinks planted in a
 * writable mount whose targets are host paths, a connect to a name longer
 * than the host's sun_path can carry after the mount's prefix, and a bind in
 * a mount whose host path is long. Each result is printed as an errno name.
 *   sec_unix_escape plant HOSTPATH   plant links /mnt/a.. (1..100 a's) -> HOSTPATH, connect to 102 a's and to 50 a's
 *   sec_unix_escape bind NAME        bind /mnt/NAME, listen, print, accept one client, send "guest", exit
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *ename(int e) {
  switch (e) {
  case ENOENT: return "ENOENT";
  case ECONNREFUSED: return "ECONNREFUSED";
  case ENAMETOOLONG: return "ENAMETOOLONG";
  case EACCES: return "EACCES";
  case EADDRINUSE: return "EADDRINUSE";
  case EINVAL: return "EINVAL";
  default: return strerror(e);
  }
}

static void try_connect(const char *path) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strncpy(a.sun_path, path, sizeof a.sun_path - 1);
  if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
    char buf[64] = {0};
    ssize_t n = read(s, buf, sizeof buf - 1);
    printf("connect %zu: connected, read %zd: %s\n", strlen(path), n, buf);
  } else {
    printf("connect %zu: %s\n", strlen(path), ename(errno));
  }
  close(s);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "plant") == 0) {
    char name[128] = "/mnt/";
    for (int i = 1; i <= 100; i++) {
      name[4 + i] = 'a';
      name[5 + i] = 0;
      if (symlink(argv[2], name) != 0) {
        printf("symlink %d: %s\n", i, ename(errno));
        return 1;
      }
    }
    char longer[128];
    memset(longer, 0, sizeof longer);
    strcpy(longer, "/mnt/");
    memset(longer + 5, 'a', 102);
    try_connect(longer);
    longer[5 + 50] = 0;
    try_connect(longer);
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "bind") == 0) {
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "/mnt/%s", argv[2]);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
      printf("bind: %s\n", ename(errno));
      return 0;
    }
    listen(s, 1);
    printf("listening\n");
    fflush(stdout);
    int c = accept(s, NULL, NULL);
    write(c, "guest", 5);
    close(c);
    close(s);
    return 0;
  }
  fprintf(stderr, "usage\n");
  return 2;
}
