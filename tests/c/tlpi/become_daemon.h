/* ---- become_daemon.c (TLPI 37.2) ---- */
#ifndef TLPI_BECOME_DAEMON_H
#define TLPI_BECOME_DAEMON_H
#include "tlpi_hdr.h"
#define BD_NO_CHDIR 01
#define BD_NO_CLOSE_FILES 02
#define BD_NO_REOPEN_STD_FDS 04
#define BD_NO_UMASK0 010
#define BD_MAX_CLOSE 8192
static int becomeDaemon(int flags) {
  int maxfd, fd;
  switch (fork()) {
  case -1: return -1;
  case 0: break;
  default: _exit(EXIT_SUCCESS);
  }
  if (setsid() == -1) return -1;
  switch (fork()) {
  case -1: return -1;
  case 0: break;
  default: _exit(EXIT_SUCCESS);
  }
  if (!(flags & BD_NO_UMASK0)) umask(0);
  if (!(flags & BD_NO_CHDIR)) chdir("/");
  if (!(flags & BD_NO_CLOSE_FILES)) {
    maxfd = sysconf(_SC_OPEN_MAX);
    if (maxfd == -1) maxfd = BD_MAX_CLOSE;
    for (fd = 0; fd < maxfd; fd++) close(fd);
  }
  if (!(flags & BD_NO_REOPEN_STD_FDS)) {
    close(STDIN_FILENO);
    fd = open("/dev/null", O_RDWR);
    if (fd != STDIN_FILENO) return -1;
    if (dup2(STDIN_FILENO, STDOUT_FILENO) != STDOUT_FILENO) return -1;
    if (dup2(STDIN_FILENO, STDERR_FILENO) != STDERR_FILENO) return -1;
  }
  return 0;
}
/* The book's daemons log with syslog(3), which the SDK has not: their messages go to stderr
 * instead, which becomeDaemon pointed at /dev/null (where a syslog without a daemon loses them too). */
#define LOG_ERR 3
#define LOG_WARNING 4
static void tlpi_syslog(int priority, const char *format, ...) {
  va_list ap;
  (void)priority;
  va_start(ap, format);
  vfprintf(stderr, format, ap);
  va_end(ap);
  fputc('\n', stderr);
}
#define syslog tlpi_syslog
#endif
