/* Line-oriented protocols over TCP as course handouts read them: UNP 3.9's
 * buffered readline (my_read fills a static buffer), a readline
 * that peeks with recv(MSG_PEEK) for the newline and then reads exactly the
 * line, and stdio over a socket (fdopen + fgets/fprintf + fflush). The
 * client sends its lines in fragments that split lines and join them (paced
 * by a pipe), so a read ends mid-line. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int go[2], sent[2];

/* UNP's buffered readline. */
static int read_cnt;
static char *read_ptr;
static char read_buf[8];
static ssize_t my_read(int fd, char *ptr) {
  if (read_cnt <= 0) {
  again:
    if ((read_cnt = read(fd, read_buf, sizeof read_buf)) < 0) {
      if (errno == EINTR) goto again;
      return -1;
    } else if (read_cnt == 0)
      return 0;
    read_ptr = read_buf;
  }
  read_cnt--;
  *ptr = *read_ptr++;
  return 1;
}
static ssize_t readline_buf(int fd, char *vptr, size_t maxlen) {
  size_t n;
  char c, *ptr = vptr;
  for (n = 1; n < maxlen; n++) {
    ssize_t rc = my_read(fd, &c);
    if (rc == 1) {
      *ptr++ = c;
      if (c == '\n') break;
    } else if (rc == 0) {
      *ptr = 0;
      return n - 1;
    } else
      return -1;
  }
  *ptr = 0;
  return n;
}

/* readline with MSG_PEEK: look for the newline, then take exactly that much. */
static ssize_t readline_peek(int fd, char *buf, size_t maxlen) {
  for (;;) {
    ssize_t n = recv(fd, buf, maxlen - 1, MSG_PEEK);
    if (n <= 0) return n;
    char *nl = memchr(buf, '\n', n);
    if (nl) {
      ssize_t want = nl - buf + 1;
      ssize_t got = recv(fd, buf, want, MSG_WAITALL);
      buf[got > 0 ? got : 0] = 0;
      return got;
    }
    if ((size_t)n == maxlen - 1) { /* no room for more: hand back what there is */
      n = recv(fd, buf, n, 0);
      buf[n] = 0;
      return n;
    }
    /* A partial line: wait for more (the peek returns as soon as anything is there, so wait with MSG_WAITALL for one byte more). */
    char tmp[64];
    ssize_t m = recv(fd, tmp, n + 1, MSG_PEEK | MSG_WAITALL);
    if (m <= n) {
      n = recv(fd, buf, n, 0);
      buf[n > 0 ? n : 0] = 0;
      return n;
    }
  }
}

static void client(const struct sockaddr_in *sa) {
  static const char *frags[] = {"one\nt", "wo\nthr", "ee", "\nfour\nfive", "\n"};
  int s = socket(AF_INET, SOCK_STREAM, 0);
  connect(s, (const struct sockaddr *)sa, sizeof *sa);
  char c;
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < sizeof frags / sizeof *frags; i++) {
      read(go[0], &c, 1);
      write(s, frags[i], strlen(frags[i]));
      if (round == 1 && i == sizeof frags / sizeof *frags - 1) write(sent[1], "s", 1);
    }
  /* Round 3: stdio both ways. */
  FILE *f = fdopen(s, "r+");
  read(go[0], &c, 1);
  fprintf(f, "hello %d\n", 42);
  fflush(f);
  char line[64];
  if (fgets(line, sizeof line, f)) printf("client: fgets '%.*s'\n", (int)strcspn(line, "\n"), line);
  fclose(f);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  bind(lfd, (struct sockaddr *)&sa, sizeof sa);
  listen(lfd, 1);
  socklen_t len = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &len);
  pipe(go);
  pipe(sent);
  pid_t pid = fork();
  if (pid == 0) {
    close(lfd);
    close(go[1]);
    client(&sa);
    _exit(0);
  }
  close(go[0]);
  int c = accept(lfd, NULL, NULL);
  close(lfd);
  char line[64];
  /* Round 1: the fragments come as they come; the buffered reader's lines do not depend on how. */
  for (int i = 0; i < 5; i++) write(go[1], "1", 1);
  for (int i = 0; i < 5; i++) {
    ssize_t n = readline_buf(c, line, sizeof line);
    printf("readline (buffered): %zd '%.*s'\n", n, (int)strcspn(line, "\n"), line);
  }
  /* The buffered reader may hold bytes read ahead: none here, the last fragment ends a line. */
  printf("bytes left in readline's buffer: %d\n", read_cnt);
  /* Round 2: every fragment sent before the first peek, so each recv's count is fixed. */
  for (int i = 0; i < 5; i++) write(go[1], "1", 1);
  char note;
  read(sent[0], &note, 1);
  for (int i = 0; i < 5; i++) {
    ssize_t n = readline_peek(c, line, sizeof line);
    printf("readline (MSG_PEEK): %zd '%.*s'\n", n, (int)strcspn(line, "\n"), line);
  }
  FILE *f = fdopen(c, "r+");
  write(go[1], "1", 1);
  if (fgets(line, sizeof line, f)) {
    int v = 0;
    sscanf(line, "hello %d", &v);
    fprintf(f, "answer %d\n", v + 1);
    fflush(f);
  }
  printf("server: fgets at EOF: %s\n", fgets(line, sizeof line, f) ? "line" : "NULL");
  fclose(f);
  int st;
  waitpid(pid, &st, 0);
  printf("client exited %d\n", WEXITSTATUS(st));
  return 0;
}
