/* Named pipes (mkfifo, mknod S_IFIFO) against Linux: TLPI 44.8's sequence-
 * number server (a well-known FIFO for requests, one FIFO per client for its
 * answer; clients forked one after another so every process's calls come in
 * one order), then fifo_open's rules, poll, epoll and select on a FIFO, and
 * the errno cases. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

/* Paths in the run's own directory (test_tmp.h): natively /tmp is the machine's, shared with another test file
 * running this program at the same time. Four buffers: a call may name two paths. */
static const char *T(const char *name) {
  static char bufs[4][256];
  static int next;
  return tmp_path(bufs[next++ & 3], sizeof bufs[0], name);
}
#define SERVER_FIFO T("seqnum_sv")
#define CLIENTS 2

struct request { int client; int seq_len; };
struct response { int seq_num; };

static void client_fifo(char *buf, size_t n, int i) { snprintf(buf, n, "%s/seqnum_cl.%d", tmp_dir(), i); }

static void server(void) {
  int sv = open(SERVER_FIFO, O_RDONLY); /* waits for the first client */
  if (sv < 0) { perror("open server fifo"); _exit(1); }
  int dummy = open(SERVER_FIFO, O_WRONLY); /* never sees EOF between clients */
  if (dummy < 0) { perror("open dummy"); _exit(1); }
  int seq = 0;
  for (int k = 0; k < CLIENTS; k++) {
    struct request req;
    if (read(sv, &req, sizeof req) != (ssize_t)sizeof req) { perror("read request"); _exit(1); }
    char path[64];
    client_fifo(path, sizeof path, req.client);
    int cl = open(path, O_WRONLY); /* waits for the client to open its end */
    if (cl < 0) { perror("open client fifo"); _exit(1); }
    struct response resp = {seq};
    if (write(cl, &resp, sizeof resp) != (ssize_t)sizeof resp) perror("write response");
    close(cl);
    seq += req.seq_len;
  }
  close(dummy);
  close(sv);
  _exit(0);
}

static void client(int i) {
  char path[64];
  client_fifo(path, sizeof path, i);
  umask(0);
  if (mkfifo(path, S_IRUSR | S_IWUSR | S_IWGRP) < 0 && errno != EEXIST) { perror("mkfifo client"); _exit(1); }
  struct request req = {i, 3 + i};
  int sv = open(SERVER_FIFO, O_WRONLY);
  if (sv < 0) { perror("open server fifo w"); _exit(1); }
  if (write(sv, &req, sizeof req) != (ssize_t)sizeof req) perror("write request");
  close(sv);
  int cl = open(path, O_RDONLY);
  if (cl < 0) { perror("open client fifo r"); _exit(1); }
  struct response resp;
  if (read(cl, &resp, sizeof resp) != (ssize_t)sizeof resp) perror("read response");
  printf("client %d: seq %d\n", i, resp.seq_num);
  fflush(stdout);
  close(cl);
  unlink(path);
  _exit(0);
}

static void report(const char *what, int r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, r);
}

int main(void) {
  umask(022);
  unlink(SERVER_FIFO);
  report("mkfifo server", mkfifo(SERVER_FIFO, S_IRUSR | S_IWUSR | S_IWGRP | S_IRGRP | S_IWOTH));
  fflush(stdout);
  pid_t sp = fork();
  if (sp == 0) server();
  for (int i = 0; i < CLIENTS; i++) {
    pid_t c = fork();
    if (c == 0) client(i);
    waitpid(c, NULL, 0);
  }
  int st;
  waitpid(sp, &st, 0);
  printf("server status %d\n", WEXITSTATUS(st));

  /* stat: the type and the mode less the umask. */
  struct stat sb;
  report("stat", stat(SERVER_FIFO, &sb));
  printf("fifo %d sock %d reg %d mode %o\n", S_ISFIFO(sb.st_mode), S_ISSOCK(sb.st_mode), S_ISREG(sb.st_mode), (unsigned)(sb.st_mode & 07777));
  DIR *d = opendir(tmp_dir());
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (!strcmp(e->d_name, "seqnum_sv")) printf("readdir: %s %s\n", e->d_name, e->d_type == DT_FIFO ? "DT_FIFO" : "other");
  if (d) closedir(d);

  /* Errors of mkfifo and mknod. */
  report("mkfifo again", mkfifo(SERVER_FIFO, 0600));
  report("mkfifo in missing dir", mkfifo(T("no/such/fifo"), 0600));
  int fd = open(T("fifo_plain"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  close(fd);
  report("mkfifo under a file", mkfifo(T("fifo_plain/x"), 0600));
  report("mknod fifo", mknod(T("fifo_nod"), S_IFIFO | 0640, 0));
  report("mknod reg", mknod(T("fifo_reg"), S_IFREG | 0600, 0));
  report("mknod type 0", mknod(T("fifo_reg0"), 0600, 0));
  report("mknod dir", mknod(T("fifo_dir"), S_IFDIR | 0700, 0));
  report("mknod bad type", mknod(T("fifo_bad"), 0170000 | 0600, 0));
  report("mknodat exists", mknodat(AT_FDCWD, T("fifo_reg"), S_IFIFO | 0600, 0));
  report("stat reg", stat(T("fifo_reg"), &sb));
  printf("reg %d mode %o size %lld\n", S_ISREG(sb.st_mode), (unsigned)(sb.st_mode & 07777), (long long)sb.st_size);

  /* fifo_open: a writer with no reader, a reader that does not wait, O_RDWR. */
  report("open wronly nonblock, no reader", open(T("fifo_nod"), O_WRONLY | O_NONBLOCK));
  int r = open(T("fifo_nod"), O_RDONLY | O_NONBLOCK);
  report("open rdonly nonblock", r >= 0 ? 0 : -1);
  struct pollfd pfd = {r, POLLIN, 0};
  report("poll: no writer yet", poll(&pfd, 1, 0));
  printf("revents %#x\n", pfd.revents);
  char buf[16];
  report("read: no writer", (int)read(r, buf, sizeof buf));
  int w = open(T("fifo_nod"), O_WRONLY | O_NONBLOCK);
  report("open wronly nonblock, a reader", w >= 0 ? 0 : -1);
  report("write", (int)write(w, "hello", 5));
  report("poll: data", poll(&pfd, 1, 0));
  printf("revents %#x\n", pfd.revents);
  report("lseek", (int)lseek(r, 0, SEEK_CUR));
  report("fstat", fstat(w, &sb));
  printf("fifo %d mode %o\n", S_ISFIFO(sb.st_mode), (unsigned)(sb.st_mode & 07777));
  close(w);
  report("poll: writer gone", poll(&pfd, 1, 0));
  printf("revents %#x\n", pfd.revents);
  report("read", (int)read(r, buf, sizeof buf));
  report("read: eof", (int)read(r, buf, sizeof buf));
  close(r);
  /* The data went with the last end: a new open finds the FIFO empty. */
  int rw = open(T("fifo_nod"), O_RDWR);
  report("open rdwr", rw >= 0 ? 0 : -1);
  report("write rdwr", (int)write(rw, "abc", 3));
  report("read rdwr", (int)read(rw, buf, sizeof buf));
  w = open(T("fifo_nod"), O_WRONLY);
  report("open wronly, rdwr reader", w >= 0 ? 0 : -1);
  close(rw);
  signal(SIGPIPE, SIG_IGN);
  report("write: no reader", (int)write(w, "x", 1));
  close(w);

  /* epoll and select see a FIFO as a pipe. */
  int er = open(T("fifo_nod"), O_RDONLY | O_NONBLOCK);
  int ew = open(T("fifo_nod"), O_WRONLY);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = er};
  report("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, er, &ev));
  report("epoll_wait: empty", epoll_wait(ep, &ev, 1, 0));
  report("write", (int)write(ew, "z", 1));
  report("epoll_wait: data", epoll_wait(ep, &ev, 1, 0));
  printf("events %#x\n", ev.events);
  fd_set rs;
  FD_ZERO(&rs);
  FD_SET(er, &rs);
  struct timeval tv = {0, 0};
  report("select", select(er + 1, &rs, NULL, NULL, &tv));
  close(ep);
  close(ew);
  close(er);

  report("unlink", unlink(T("fifo_nod")));
  report("stat gone", stat(T("fifo_nod"), &sb));
  unlink(SERVER_FIFO);
  unlink(T("fifo_plain"));
  unlink(T("fifo_reg"));
  unlink(T("fifo_reg0"));
  return 0;
}
