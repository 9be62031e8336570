/* AF_UNIX datagrams by filesystem path and by abstract name (unix(7),
 * TLPI 57.4 and 57.6): a server bound to a path in the current directory,
 * a client bound to an abstract name (sun_path[0] == '\0', no file, gone
 * with the socket) so that the server can answer it, an unbound client the
 * server cannot answer. Then what a restarted server meets: the old path
 * still exists (EADDRINUSE) until it is unlink()ed, a datagram to a path
 * whose socket is closed is ECONNREFUSED, to a path that does not exist
 * ENOENT; an abstract name is free again as soon as its socket closes. The
 * abstract name carries the pid, zero-padded: names are machine-wide. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PATH "tb4-unixabs.sock"

static socklen_t path_addr(struct sockaddr_un *a, const char *path) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  strcpy(a->sun_path, path);
  return sizeof *a;
}

/* An abstract name: a leading NUL, and the address length counts exactly the name's bytes. */
static socklen_t abstract_addr(struct sockaddr_un *a, const char *name) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  size_t n = strlen(name);
  memcpy(a->sun_path + 1, name, n);
  return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

static void describe(const char *who, const struct sockaddr_un *a, socklen_t len) {
  if (len <= offsetof(struct sockaddr_un, sun_path)) printf("%s: unnamed (length %u)\n", who, (unsigned)len);
  else if (a->sun_path[0] == '\0') printf("%s: abstract, %u name bytes\n", who, (unsigned)(len - offsetof(struct sockaddr_un, sun_path) - 1));
  else printf("%s: path '%s'\n", who, a->sun_path);
}

static int serve(int s, int count) {
  for (int i = 0; i < count; i++) {
    char buf[64];
    struct sockaddr_un from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("server: '%.*s'\n", (int)n, buf);
    describe("  from", &from, fl);
    if (fl > offsetof(struct sockaddr_un, sun_path)) sendto(s, "ack", 3, 0, (struct sockaddr *)&from, fl);
    else if (sendto(s, "ack", 3, 0, (struct sockaddr *)&from, fl) < 0) printf("  cannot answer: %s\n", strerror(errno));
  }
  return 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char name[32];
  snprintf(name, sizeof name, "socklab-tb4abs-%08d", (int)getpid());
  unlink(PATH);
  struct sockaddr_un sa;
  socklen_t sl = path_addr(&sa, PATH);
  int srv = socket(AF_UNIX, SOCK_DGRAM, 0);
  bind(srv, (struct sockaddr *)&sa, sl);
  struct sockaddr_un me;
  socklen_t ml = sizeof me;
  getsockname(srv, (struct sockaddr *)&me, &ml);
  describe("server bound", &me, ml);

  pid_t pid = fork();
  if (pid == 0) {
    close(srv);
    int c = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un ca;
    socklen_t cl = abstract_addr(&ca, name);
    bind(c, (struct sockaddr *)&ca, cl);
    ml = sizeof me;
    getsockname(c, (struct sockaddr *)&me, &ml);
    describe("client bound", &me, ml);
    /* The same abstract name twice: in use, like a path. */
    int dup = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (bind(dup, (struct sockaddr *)&ca, cl) < 0) printf("client: second bind to the name: %s\n", strerror(errno));
    close(dup);
    sendto(c, "from abstract", 13, 0, (struct sockaddr *)&sa, sl);
    char buf[16];
    ssize_t n = recv(c, buf, sizeof buf, 0);
    printf("client: '%.*s'\n", (int)n, buf);
    close(c);
    /* Closed, the abstract name is free at once: no file to remove. */
    c = socket(AF_UNIX, SOCK_DGRAM, 0);
    printf("client: rebind to the name: %s\n", bind(c, (struct sockaddr *)&ca, cl) == 0 ? "ok" : strerror(errno));
    close(c);
    /* Last, so that the server's lines about it come after the client's. */
    int u = socket(AF_UNIX, SOCK_DGRAM, 0);
    sendto(u, "from unbound", 12, 0, (struct sockaddr *)&sa, sl);
    close(u);
    _exit(0);
  }
  serve(srv, 2);
  int st;
  waitpid(pid, &st, 0);
  close(srv);

  /* The restart: the file is still there. */
  int c = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (sendto(c, "anyone?", 7, 0, (struct sockaddr *)&sa, sl) < 0) printf("send to a closed server's path: %s\n", strerror(errno));
  srv = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (bind(srv, (struct sockaddr *)&sa, sl) < 0) printf("rebind before unlink: %s\n", strerror(errno));
  unlink(PATH);
  if (sendto(c, "anyone?", 7, 0, (struct sockaddr *)&sa, sl) < 0) printf("send to a missing path: %s\n", strerror(errno));
  printf("rebind after unlink: %s\n", bind(srv, (struct sockaddr *)&sa, sl) == 0 ? "ok" : strerror(errno));
  struct sockaddr_un bad;
  socklen_t bl = path_addr(&bad, "no-such-dir/x.sock");
  int b = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (bind(b, (struct sockaddr *)&bad, bl) < 0) printf("bind in a missing directory: %s\n", strerror(errno));
  close(b);
  sendto(c, "again", 5, 0, (struct sockaddr *)&sa, sl);
  serve(srv, 1);
  close(c);
  close(srv);
  unlink(PATH);
  printf("done, child status %d\n", WEXITSTATUS(st));
  return 0;
}
