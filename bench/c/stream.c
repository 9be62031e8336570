/* Stream throughput between two processes.
 * usage: stream server unix|tcp ADDR MBYTES    (ADDR: a path, or a port on 127.0.0.1)
 *        stream client unix|tcp ADDR MBYTES
 * The client writes MBYTES MiB in 64 KiB writes; the server reads it all and
 * prints the count. The same source runs natively and under socklab. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t addr_of(const char *kind, const char *a, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  if (!strcmp(kind, "unix")) {
    struct sockaddr_un *u = (struct sockaddr_un *)ss;
    u->sun_family = AF_UNIX;
    strncpy(u->sun_path, a, sizeof u->sun_path - 1);
    return sizeof *u;
  }
  struct sockaddr_in *in = (struct sockaddr_in *)ss;
  in->sin_family = AF_INET;
  in->sin_port = htons((unsigned short)atoi(a));
  in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sizeof *in;
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: %s server|client unix|tcp ADDR MBYTES\n", argv[0]); return 2; }
  struct sockaddr_storage ss;
  socklen_t sl = addr_of(argv[2], argv[3], &ss);
  long long total = atoll(argv[4]) << 20;
  int fam = !strcmp(argv[2], "unix") ? AF_UNIX : AF_INET;
  static char buf[65536];
  if (!strcmp(argv[1], "server")) {
    int l = socket(fam, SOCK_STREAM, 0), on = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (fam == AF_UNIX) unlink(argv[3]);
    if (bind(l, (struct sockaddr *)&ss, sl) || listen(l, 1)) { perror("bind/listen"); return 1; }
    printf("ready\n");
    fflush(stdout);
    int c = accept(l, NULL, NULL);
    long long got = 0;
    ssize_t n;
    while ((n = read(c, buf, sizeof buf)) > 0) got += n;
    printf("received %lld bytes\n", got);
    return got == total ? 0 : 1;
  }
  int s = socket(fam, SOCK_STREAM, 0);
  /* The server may not listen yet; one that never does (its bind failed) ends the run after ~10 s. */
  for (int tries = 0; connect(s, (struct sockaddr *)&ss, sl) < 0; tries++) {
    if (tries == 10000) { perror("connect"); return 1; }
    usleep(1000);
  }
  for (long long sent = 0; sent < total;) {
    size_t k = total - sent < (long long)sizeof buf ? (size_t)(total - sent) : sizeof buf;
    ssize_t w = write(s, buf, k);
    if (w < 0) { perror("write"); return 1; }
    sent += w;
  }
  close(s);
  return 0;
}
