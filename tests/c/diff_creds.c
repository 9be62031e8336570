/* Users and credentials (UNP 13.4, APUE 8.11, TLPI 9 and 38): look up
 * "nobody", bind a privileged port as root, let a child drop to nobody and
 * connect over AF_UNIX (its SO_PEERCRED, its SCM_CREDENTIALS, a forged one
 * refused), then drop privileges: a privileged port, setuid(0), seteuid(0),
 * setgroups and kill(2) of a root process all refused. Run natively as root. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stddef.h>

/* An abstract name (no file permissions to pass after the drop), with the pid: machine-wide natively. */
static struct sockaddr_un addr;
static socklen_t addr_len;
static void make_addr(void) {
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "socklab-creds-%07d", (int)getpid() % 10000000);
  addr_len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(addr.sun_path + 1);
}

static const char *res(int r) { return r == 0 ? "ok" : strerror(errno); }

static void ids(const char *who) {
  uid_t r, e, s;
  gid_t gr, ge, gs;
  gid_t list[8];
  getresuid(&r, &e, &s);
  getresgid(&gr, &ge, &gs);
  int n = getgroups(0, NULL);
  int m = getgroups(8, list);
  /* One after the other: gcc and clang evaluate printf's arguments in opposite orders. */
  uid_t eu = geteuid();
  gid_t eg = getegid();
  printf("%s: uid %u %u %u, gid %u %u %u, euid %u egid %u, %d groups%s%u\n", who, r, e, s, gr, ge, gs, eu, eg, n,
         m > 0 ? ", first " : "", m > 0 ? list[0] : 0);
}

static void bind_port(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  /* Not listening, with SO_REUSEADDR: another run binding the same port at the same time does not fail it. */
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int r = bind(fd, (struct sockaddr *)&a, sizeof a);
  printf("bind port %d as uid %u: %s\n", port, geteuid(), res(r));
  close(fd);
}

static void lookups(void) {
  struct passwd *pw = getpwnam("nobody");
  printf("nobody: uid %u gid %u gecos \"%s\" dir %s shell %s\n", pw->pw_uid, pw->pw_gid, pw->pw_gecos, pw->pw_dir, pw->pw_shell);
  pw = getpwuid(0);
  printf("uid 0: %s %s\n", pw->pw_name, pw->pw_dir);
  errno = 0;
  printf("nosuchuser: %s\n", getpwnam("nosuchuser") ? "found" : "none");
  struct passwd pwd, *out;
  char small[16], big[512];
  printf("getpwnam_r small buffer: %s\n", strerror(getpwnam_r("www-data", &pwd, small, sizeof small, &out)));
  int r = getpwnam_r("www-data", &pwd, big, sizeof big, &out);
  printf("getpwnam_r: %d %s %u\n", r, out ? out->pw_name : "-", out ? out->pw_uid : 0);
  r = getpwuid_r(12345, &pwd, big, sizeof big, &out);
  printf("getpwuid_r 12345: %d %s\n", r, out ? "found" : "none");
  struct group *g = getgrgid(65534);
  printf("gid 65534: %s, %d members\n", g->gr_name, g->gr_mem[0] ? 1 : 0);
  g = getgrnam("www-data");
  printf("www-data group: %u\n", g->gr_gid);
  struct group grp, *gout;
  r = getgrnam_r("nogroup", &grp, big, sizeof big, &gout);
  printf("getgrnam_r nogroup: %d %u\n", r, gout ? gout->gr_gid : 0);
  gid_t list[4];
  int n = 4;
  r = getgrouplist("nobody", 65534, list, &n);
  printf("getgrouplist nobody: %d, %u\n", r, list[0]);
  /* The base system's accounts (this machine's /etc/passwd may have more, with other ids). */
  int base = 0;
  setpwent();
  while ((pw = getpwent()))
    if (pw->pw_uid < 100 || pw->pw_uid == 65534) base++;
  endpwent();
  printf("base accounts: %d\n", base);
}

/* A child that drops to nobody and connects: the server sees its credentials. */
static void child_peer(struct passwd *nobody) {
  if (setgid(nobody->pw_gid) || setuid(nobody->pw_uid)) _exit(1);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr *)&addr, addr_len)) _exit(2);
  char go;
  if (read(fd, &go, 1) != 1) _exit(3);
  /* Claiming root's ids: EPERM for an unprivileged sender (scm_check_creds). */
  struct ucred forged = {.pid = getpid(), .uid = 0, .gid = 0};
  char ctl[CMSG_SPACE(sizeof forged)];
  memset(ctl, 0, sizeof ctl);
  struct iovec iov = {.iov_base = "x", .iov_len = 1};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_CREDENTIALS;
  c->cmsg_len = CMSG_LEN(sizeof forged);
  memcpy(CMSG_DATA(c), &forged, sizeof forged);
  printf("child: forged SCM_CREDENTIALS: %s\n", res(sendmsg(fd, &m, 0) < 0 ? -1 : 0));
  fflush(stdout);
  if (write(fd, "hello", 5) != 5) _exit(4);
  close(fd);
  _exit(0);
}

static void peer_creds(struct passwd *nobody) {
  make_addr();
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  if (bind(l, (struct sockaddr *)&addr, addr_len) || listen(l, 1)) return;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) child_peer(nobody);
  int s = accept(l, NULL, NULL);
  struct ucred cr;
  socklen_t len = sizeof cr;
  getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len);
  printf("SO_PEERCRED: pid %s, uid %u (%s), gid %u (%s)\n", cr.pid == pid ? "the child's" : "other", cr.uid, getpwuid(cr.uid)->pw_name, cr.gid,
         getgrgid(cr.gid)->gr_name);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
  if (write(s, "g", 1) != 1) return;
  char buf[16], ctl[CMSG_SPACE(sizeof(struct ucred))];
  /* Exactly the 5 bytes the child sends: natively a MSG_WAITALL read left waiting for more until the child's close
   * came back now and then without the credentials (1 run in 10 under strace). */
  struct iovec iov = {.iov_base = buf, .iov_len = 5};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
  ssize_t n = recvmsg(s, &m, MSG_WAITALL);
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  if (c && c->cmsg_type == SCM_CREDENTIALS) {
    memcpy(&cr, CMSG_DATA(c), sizeof cr);
    printf("recvmsg %zd bytes, SCM_CREDENTIALS: pid %s, uid %u (%s), gid %u\n", n, cr.pid == pid ? "the child's" : "other", cr.uid, getpwuid(cr.uid)->pw_name, cr.gid);
  } else
    printf("recvmsg %zd bytes, no credentials\n", n);
  int st;
  waitpid(pid, &st, 0);
  printf("child status %d\n", WEXITSTATUS(st));
  close(s);
  close(l);
}

int main(void) {
  lookups();
  ids("root");
  bind_port(80);
  struct passwd nobody = *getpwnam("nobody");
  peer_creds(&nobody);

  /* A process that stays root, for kill(2) after the drop. */
  int p[2];
  if (pipe(p)) return 1;
  fflush(stdout);
  pid_t rootchild = fork();
  if (rootchild == 0) {
    char c;
    close(p[1]);
    _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
  }
  close(p[0]);

  /* UNP 13.4's daemon_init and APUE's privilege drop: groups, gid, then uid. */
  printf("initgroups: %s\n", res(initgroups("nobody", nobody.pw_gid)));
  ids("after initgroups");
  printf("setgid: %s\n", res(setgid(nobody.pw_gid)));
  printf("setuid: %s\n", res(setuid(nobody.pw_uid)));
  ids("nobody");
  bind_port(81);
  printf("setuid(0): %s\n", res(setuid(0)));
  printf("seteuid(0): %s\n", res(seteuid(0)));
  printf("setreuid(-1, 0): %s\n", res(setreuid(-1, 0)));
  printf("setresuid(-1, 65534, -1): %s\n", res(setresuid(-1, 65534, -1)));
  printf("setgid(0): %s\n", res(setgid(0)));
  printf("setgroups(0): %s\n", res(setgroups(0, NULL)));
  printf("setuid(-1): %s\n", res(setuid((uid_t)-1)));
  printf("kill(root child, 0): %s\n", res(kill(rootchild, 0)));
  printf("kill(root child, SIGTERM): %s\n", res(kill(rootchild, SIGTERM)));
  printf("kill(self, 0): %s\n", res(kill(getpid(), 0)));
  close(p[1]);
  int st;
  waitpid(rootchild, &st, 0);
  printf("root child: %s %d\n", WIFEXITED(st) ? "exited" : "signalled", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
  return 0;
}
