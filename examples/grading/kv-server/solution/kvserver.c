/* Model solution: a line-protocol key-value server, clients served at once with poll().
 * usage: kvserver PORT N  -- exits 0 once N clients have disconnected. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXC 16
#define LINE 1024
#define MAXK 64

struct client { char buf[LINE]; size_t len; int discarding; };
static struct client cl[MAXC + 1];
static struct pollfd pfd[MAXC + 1];
static char *keys[MAXK], *vals[MAXK];

static void reply(int fd, const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0) { if (errno == EINTR) continue; return; }
    s += w; n -= (size_t)w;
  }
}

static int find(const char *k) {
  for (int i = 0; i < MAXK; i++) if (keys[i] && strcmp(keys[i], k) == 0) return i;
  return -1;
}

/* Returns 0 when the client said QUIT. */
static int handle(int fd, char *line) {
  char *cmd = strtok(line, " "), *k = strtok(NULL, " "), *v = strtok(NULL, "");
  if (!cmd) { reply(fd, "ERR empty\n"); return 1; }
  if (strcmp(cmd, "QUIT") == 0) { reply(fd, "BYE\n"); return 0; }
  if (!k) { reply(fd, "ERR missing key\n"); return 1; }
  int i = find(k);
  if (strcmp(cmd, "SET") == 0 && v) {
    if (i < 0) for (i = 0; i < MAXK && keys[i]; i++) {}
    if (i == MAXK) { reply(fd, "ERR full\n"); return 1; }
    if (!keys[i]) keys[i] = strdup(k);
    free(vals[i]); vals[i] = strdup(v);
    reply(fd, "OK\n");
  } else if (strcmp(cmd, "GET") == 0) {
    if (i < 0) { reply(fd, "NOT_FOUND\n"); return 1; }
    reply(fd, "VALUE "); reply(fd, vals[i]); reply(fd, "\n");
  } else if (strcmp(cmd, "DEL") == 0) {
    if (i < 0) { reply(fd, "NOT_FOUND\n"); return 1; }
    free(keys[i]); free(vals[i]); keys[i] = vals[i] = NULL;
    reply(fd, "DELETED\n");
  } else reply(fd, "ERR unknown command\n");
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s PORT N\n", argv[0]); return 2; }
  int left = atoi(argv[2]);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  if (listen(ls, 16) < 0) { perror("listen"); return 1; }
  pfd[0] = (struct pollfd){ ls, POLLIN, 0 };
  for (int i = 1; i <= MAXC; i++) pfd[i].fd = -1;
  while (left > 0) {
    if (poll(pfd, MAXC + 1, -1) < 0) { if (errno == EINTR) continue; perror("poll"); return 1; }
    if (pfd[0].revents & POLLIN) {
      int c = accept(ls, NULL, NULL);
      if (c >= 0) {
        int i = 1;
        while (i <= MAXC && pfd[i].fd >= 0) i++;
        if (i > MAXC) close(c);
        else { pfd[i] = (struct pollfd){ c, POLLIN, 0 }; cl[i].len = 0; cl[i].discarding = 0; }
      }
    }
    for (int i = 1; i <= MAXC; i++) {
      if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      struct client *c = &cl[i];
      ssize_t r = read(pfd[i].fd, c->buf + c->len, LINE - c->len);
      if (r < 0 && errno == EINTR) continue;
      int open = r > 0;
      if (open) c->len += (size_t)r;
      char *nl;
      while (open && (nl = memchr(c->buf, '\n', c->len))) {
        *nl = 0;
        if (nl > c->buf && nl[-1] == '\r') nl[-1] = 0;
        size_t used = (size_t)(nl - c->buf) + 1;
        if (c->discarding) c->discarding = 0;
        else open = handle(pfd[i].fd, c->buf);
        memmove(c->buf, c->buf + used, c->len - used);
        c->len -= used;
      }
      if (open && c->len == LINE) {   /* a line longer than the buffer: refuse it, skip to its end */
        if (!c->discarding) reply(pfd[i].fd, "ERR line too long\n");
        c->discarding = 1;
        c->len = 0;
      }
      if (!open) { close(pfd[i].fd); pfd[i].fd = -1; left--; }
    }
  }
  close(ls);
  return 0;
}
