/* TLPI 57.2's us_xfr_sv/us_xfr_cl: a file copied over an AF_UNIX stream
 * socket. The server removes a stale path first (remove(), ENOENT allowed:
 * a bind to a path that exists is EADDRINUSE even when no one listens),
 * binds, listens and, for each client, copies what it reads (BUF_SIZE 100
 * bytes at a time) to its output, here a file; the client copies its
 * standard input (a file made its fd 0 with dup2, as a shell's "<" does)
 * to the socket, each write() checked for a partial write. The copies are
 * compared with the originals: a 100000-byte file, an empty one (the
 * server sees EOF at once) and a text file. Then the names of both ends
 * (TLPI 61.5's socknames, for AF_UNIX): the server's listening and
 * accepted sockets carry the path, the client's is unnamed (length 2)
 * and its peer is the path. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

#define BUF_SIZE 100

static char SV_SOCK_PATH[108];

static void names(const char *what, int fd) {
  struct sockaddr_un a;
  socklen_t len = sizeof a;
  memset(&a, 0, sizeof a);
  getsockname(fd, (struct sockaddr *)&a, &len);
  printf("%s: getsockname length %u %s", what, (unsigned)len, len > sizeof(sa_family_t) ? (strcmp(a.sun_path, SV_SOCK_PATH) == 0 ? "(the server's path)" : a.sun_path) : "(unnamed)");
  len = sizeof a;
  memset(&a, 0, sizeof a);
  if (getpeername(fd, (struct sockaddr *)&a, &len) < 0) printf(", getpeername: %s\n", strerror(errno));
  else printf(", getpeername length %u %s\n", (unsigned)len, len > sizeof(sa_family_t) ? (strcmp(a.sun_path, SV_SOCK_PATH) == 0 ? "(the server's path)" : a.sun_path) : "(unnamed)");
}

static void makeFile(const char *path, size_t n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char block[4096];
  for (size_t off = 0; off < n;) {
    size_t k = n - off < sizeof block ? n - off : sizeof block;
    for (size_t i = 0; i < k; i++) block[i] = (char)('a' + (off + i) * 7 % 26);
    write(fd, block, k);
    off += k;
  }
  close(fd);
}

static int sameFiles(const char *a, const char *b, long *size) {
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  if (!fa || !fb) return 0;
  int ca, cb;
  long n = 0;
  do {
    ca = getc(fa);
    cb = getc(fb);
    if (ca != EOF) n++;
  } while (ca == cb && ca != EOF);
  fclose(fa);
  fclose(fb);
  *size = n;
  return ca == cb;
}

/* us_xfr_cl: stdin to the socket. */
static void client(const char *input) {
  int in = open(input, O_RDONLY);
  dup2(in, STDIN_FILENO);
  close(in);
  int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, SV_SOCK_PATH, sizeof addr.sun_path - 1);
  if (connect(sfd, (struct sockaddr *)&addr, sizeof addr) == -1) {
    printf("client: connect: %s\n", strerror(errno));
    exit(1);
  }
  ssize_t numRead;
  char buf[BUF_SIZE];
  while ((numRead = read(STDIN_FILENO, buf, BUF_SIZE)) > 0)
    if (write(sfd, buf, numRead) != numRead) {
      printf("client: partial/failed write\n");
      exit(1);
    }
  if (numRead == -1) exit(1);
  exit(EXIT_SUCCESS);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  snprintf(SV_SOCK_PATH, sizeof SV_SOCK_PATH, "%s/socklab-tb7-us-xfr", tmp_dir());
  char in[3][128], out[3][128];
  const size_t sizes[3] = {100000, 0, 0};
  for (int i = 0; i < 3; i++) {
    snprintf(in[i], sizeof in[i], "%s/tb7-xfr-in%d", tmp_dir(), i);
    snprintf(out[i], sizeof out[i], "%s/tb7-xfr-out%d", tmp_dir(), i);
    makeFile(in[i], sizes[i]);
  }
  /* (open/write: wasi-libc's fopen(.., "w") asks F_GETFL of the new file, glibc's does not.) */
  const char *text = "line one\nline two, a little longer\nno newline at the end";
  int t = open(in[2], O_WRONLY | O_TRUNC);
  write(t, text, strlen(text));
  close(t);

  struct sockaddr_un addr;
  int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, SV_SOCK_PATH, sizeof addr.sun_path - 1);
  /* A path left by an earlier run: bind fails until it is removed. */
  int stale = socket(AF_UNIX, SOCK_STREAM, 0);
  remove(SV_SOCK_PATH);
  bind(stale, (struct sockaddr *)&addr, sizeof addr);
  close(stale);
  if (bind(sfd, (struct sockaddr *)&addr, sizeof addr) == -1) printf("bind over a stale path: %s\n", strerror(errno));
  if (remove(SV_SOCK_PATH) == -1 && errno != ENOENT) printf("remove: %s\n", strerror(errno));
  printf("remove again: %s\n", remove(SV_SOCK_PATH) == -1 ? strerror(errno) : "removed");
  if (bind(sfd, (struct sockaddr *)&addr, sizeof addr) == -1) return 1;
  if (listen(sfd, 5) == -1) return 1;
  names("listening socket", sfd);

  for (int i = 0; i < 3; i++) {
    pid_t c = fork();
    if (c == 0) {
      close(sfd);
      client(in[i]);
    }
    int cfd = accept(sfd, NULL, NULL);
    if (i == 2) names("accepted socket", cfd);
    int o = open(out[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ssize_t numRead;
    char buf[BUF_SIZE];
    long total = 0;
    while ((numRead = read(cfd, buf, BUF_SIZE)) > 0) {
      if (write(o, buf, numRead) != numRead) printf("partial/failed write\n");
      total += numRead;
    }
    if (numRead == -1) printf("read: %s\n", strerror(errno));
    close(o);
    close(cfd);
    int st;
    waitpid(c, &st, 0);
    long size;
    int same = sameFiles(in[i], out[i], &size);
    printf("client %d exit %d: server read %ld bytes, copy %s (%ld bytes)\n", i, WEXITSTATUS(st), total, same ? "identical" : "differs", size);
  }
  /* The client side's names, on a connection of the parent's own. */
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  names("unconnected client socket", c);
  connect(c, (struct sockaddr *)&addr, sizeof addr);
  names("connected client socket", c);
  int a = accept(sfd, NULL, NULL);
  names("its accepted end", a);
  close(a);
  close(c);
  close(sfd);
  remove(SV_SOCK_PATH);
  for (int i = 0; i < 3; i++) {
    remove(in[i]);
    remove(out[i]);
  }
  return 0;
}
