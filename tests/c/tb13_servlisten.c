/* APUE 17.3's unique connections over UNIX domain sockets: serv_listen
 * (Figure 17.8: unlink the name in case it exists, bind with the length
 * offsetof(struct sockaddr_un, sun_path) + strlen(name), listen),
 * cli_conn (Figure 17.10: the client binds a name of its own made from its
 * pid, then connects to the server's name) and serv_accept (Figure 17.9:
 * accept, take the client's name from the address accept returned, stat()
 * it: it must be a socket and its times recent, its owner is the client's
 * uid, then unlink it). The book's malloc(sizeof(un.sun_path + 1)) is 8
 * bytes, too small for the name copied into it: here sizeof(un.sun_path)
 * + 1. Left out: cli_conn's chmod(CLI_PERM) and serv_accept's check of the
 * permission bits, since WASI's stat has no permission bits (and socklab
 * no chmod). The pid in the client's name is printed with 7 digits, so its
 * length (bind's address length) is the same for every pid.
 * Then what goes wrong: a client that connects without binding has an
 * unnamed address (accept's length is only sun_family's), so stat("")
 * fails (ENOENT) and the server refuses it (the client reads EOF); a server started a second
 * time unlinks the first one's name and binds it again, so new clients
 * reach the second, and the first listener is left without a name; a
 * client of a name nobody listens on fails connect() with ENOENT and
 * removes its own name; a name too long for sun_path is ENAMETOOLONG. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test_tmp.h"

#define QLEN 10
#define STALE 30 /* client's name can't be older than this (sec) */

static char SERVER[108], CLI_PATH[108];

static int serv_listen(const char *name) {
  int fd, len, err, rval;
  struct sockaddr_un un;
  if (strlen(name) >= sizeof(un.sun_path)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  /* create a UNIX domain stream socket */
  if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) return -2;
  unlink(name); /* in case it already exists */
  /* fill in socket address structure */
  memset(&un, 0, sizeof(un));
  un.sun_family = AF_UNIX;
  strcpy(un.sun_path, name);
  len = offsetof(struct sockaddr_un, sun_path) + strlen(name);
  /* bind the name to the descriptor */
  if (bind(fd, (struct sockaddr *)&un, len) < 0) {
    rval = -3;
    goto errout;
  }
  if (listen(fd, QLEN) < 0) { /* tell kernel we're a server */
    rval = -4;
    goto errout;
  }
  return fd;
errout:
  err = errno;
  close(fd);
  errno = err;
  return rval;
}

/* The client's name, as the client made it: the pid with 7 digits. */
static void cli_name(char *buf, pid_t pid) { sprintf(buf, "%s%07ld.sock", CLI_PATH, (long)pid); }

static int serv_accept(int listenfd, uid_t *uidptr, pid_t expect) {
  int clifd, err, rval;
  socklen_t len;
  time_t staletime;
  struct sockaddr_un un;
  struct stat statbuf;
  char *name;
  /* allocate enough space for longest name plus terminating null */
  if ((name = malloc(sizeof(un.sun_path) + 1)) == NULL) return -1;
  len = sizeof(un);
  if ((clifd = accept(listenfd, (struct sockaddr *)&un, &len)) < 0) {
    free(name);
    return -2; /* often errno=EINTR, if signal caught */
  }
  /* obtain the client's uid from its calling address */
  len -= offsetof(struct sockaddr_un, sun_path); /* len of pathname */
  memcpy(name, un.sun_path, len);
  name[len] = 0; /* null terminate */
  char want[108];
  cli_name(want, expect);
  printf("  server: accept's address has %u bytes of name: %s\n", (unsigned)len,
         len == 0 ? "(unnamed)" : strcmp(name, want) == 0 ? "the client's per-pid name" : name);
  if (stat(name, &statbuf) < 0) {
    rval = -3;
    goto errout;
  }
#ifdef S_ISSOCK /* not defined for SVR4 */
  if (S_ISSOCK(statbuf.st_mode) == 0) {
    rval = -4; /* not a socket */
    goto errout;
  }
#endif
  staletime = time(NULL) - STALE;
  if (statbuf.st_atime < staletime || statbuf.st_ctime < staletime || statbuf.st_mtime < staletime) {
    rval = -6; /* i-node is too old */
    goto errout;
  }
  if (uidptr != NULL) *uidptr = statbuf.st_uid; /* return uid of caller */
  unlink(name); /* we're done with pathname now */
  free(name);
  return clifd;
errout:
  err = errno;
  close(clifd);
  free(name);
  errno = err;
  return rval;
}

static int cli_conn(const char *name) {
  int fd, len, err, rval;
  struct sockaddr_un un, sun;
  int do_unlink = 0;
  if (strlen(name) >= sizeof(un.sun_path)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  /* create a UNIX domain stream socket */
  if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) return -1;
  /* fill socket address structure with our address */
  memset(&un, 0, sizeof(un));
  un.sun_family = AF_UNIX;
  cli_name(un.sun_path, getpid());
  len = offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path);
  unlink(un.sun_path); /* in case it already exists */
  if (bind(fd, (struct sockaddr *)&un, len) < 0) {
    rval = -2;
    goto errout;
  }
  /* fill socket address structure with server's address */
  memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  strcpy(sun.sun_path, name);
  len = offsetof(struct sockaddr_un, sun_path) + strlen(name);
  if (connect(fd, (struct sockaddr *)&sun, len) < 0) {
    rval = -4;
    do_unlink = 1;
    goto errout;
  }
  return fd;
errout:
  err = errno;
  close(fd);
  if (do_unlink) unlink(un.sun_path);
  errno = err;
  return rval;
}

/* A client: cli_conn (or a plain connect, unbound), one request, the answer, then whether its name is still there. */
static void client(int n, int bound) {
  int fd;
  if (bound) {
    fd = cli_conn(SERVER);
  } else {
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, SERVER);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) fd = -4;
  }
  if (fd < 0) {
    printf("  client %d: cli_conn %d: %s\n", n, fd, strerror(errno));
    exit(1);
  }
  char buf[64];
  int k;
  /* An unnamed client only waits: the server refuses it, and a write could meet its close (SIGPIPE). */
  if (bound) {
    k = snprintf(buf, sizeof buf, "hello %d", n);
    write(fd, buf, k);
  }
  k = read(fd, buf, sizeof buf - 1);
  buf[k > 0 ? k : 0] = 0;
  char me[108];
  struct stat st;
  cli_name(me, getpid());
  printf("  client %d: answer \"%s\"; its name %s\n", n, buf, !bound ? "(none)" : stat(me, &st) < 0 ? strerror(errno) : "still there");
  close(fd);
  exit(0);
}

static int status_of(pid_t pid) {
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* One connection: fork the client, serv_accept, answer. */
static void one(int listenfd, int n, int bound) {
  pid_t pid = fork();
  if (pid == 0) {
    close(listenfd);
    client(n, bound);
  }
  uid_t uid;
  int clifd = serv_accept(listenfd, &uid, pid);
  if (clifd < 0) {
    /* serv_accept closed the connection: the client prints what it read, then the server (not racing it). */
    int e = errno;
    int st = status_of(pid);
    printf("  server: serv_accept %d: %s\n", clifd, strerror(e));
    printf("  client %d exit status %d\n", n, st);
    return;
  } else {
    char buf[64];
    int k = read(clifd, buf, sizeof buf - 1);
    buf[k > 0 ? k : 0] = 0;
    printf("  server: uid %s, request \"%s\"\n", uid == getuid() ? "is ours" : "differs", buf);
    write(clifd, "welcome", 7);
    close(clifd);
  }
  printf("  client %d exit status %d\n", n, status_of(pid));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  tmp_path(SERVER, sizeof SERVER, "socklab-apue-opend.sock");
  tmp_path(CLI_PATH, sizeof CLI_PATH, "socklab-apue-cli-");

  int listenfd = serv_listen(SERVER);
  if (listenfd < 0) {
    printf("serv_listen %d: %s\n", listenfd, strerror(errno));
    return 1;
  }
  struct stat st;
  stat(SERVER, &st);
  printf("server's name: %s\n", S_ISSOCK(st.st_mode) ? "a socket" : "not a socket");
  printf("client 1 (cli_conn):\n");
  one(listenfd, 1, 1);
  printf("client 2 (connects without a name of its own):\n");
  one(listenfd, 2, 0);

  /* A second server on the same name: serv_listen unlinks the first one's name. */
  int second = serv_listen(SERVER);
  printf("second serv_listen: %s\n", second < 0 ? strerror(errno) : "listening");
  printf("client 3 (cli_conn, reaches the second server):\n");
  one(second, 3, 1);
  fcntl(listenfd, F_SETFL, O_NONBLOCK);
  int c = accept(listenfd, NULL, NULL);
  printf("the first server's accept: %s\n", c < 0 ? strerror(errno) : "a connection");
  close(listenfd);
  close(second);
  unlink(SERVER);

  /* Nobody listens on the name now. */
  pid_t pid = fork();
  if (pid == 0) {
    char me[108];
    int fd = cli_conn(SERVER);
    int e = errno;
    cli_name(me, getpid());
    printf("client 4: cli_conn %d: %s; its name %s\n", fd, strerror(e), stat(me, &st) < 0 ? strerror(errno) : "still there");
    exit(0);
  }
  status_of(pid);
  char longname[200];
  memset(longname, 'x', sizeof longname - 1);
  longname[sizeof longname - 1] = 0;
  int fd = serv_listen(longname);
  printf("serv_listen of a %zu-byte name: %d %s\n", strlen(longname), fd, strerror(errno));
  fd = cli_conn(longname);
  printf("cli_conn of a %zu-byte name: %d %s\n", strlen(longname), fd, strerror(errno));
  return 0;
}
