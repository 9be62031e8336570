/* syslog(3) with no log daemon (/dev/log absent, as on the reference machine):
 * the lazy socket + connect at the first message, the connect's ENOENT and the
 * close, the retry at every later call, LOG_NDELAY's connect at openlog, the
 * LOG_PERROR copy on stderr (its newline added or not), %m, masked priorities
 * (no call at all), a bad priority's own message, closelog's reset of the
 * ident (the program name again). Compared with glibc's calls
 * (tests/strace-diff.test.ts) and its output (tests/syslog.test.ts). */
#include <errno.h>
#include <paths.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static void logv(int pri, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsyslog(pri, fmt, ap);
  va_end(ap);
}

int main(void) {
  printf("paths %s %s %s %s %s %s\n", _PATH_DEVNULL, _PATH_LOG, _PATH_CONSOLE, _PATH_TMP, _PATH_VARRUN, _PATH_BSHELL);
  printf("macros %d %d %d %d %d %d\n", LOG_MASK(LOG_ERR), LOG_UPTO(LOG_WARNING), LOG_MAKEPRI(LOG_LOCAL7, LOG_DEBUG), LOG_PRI(LOG_MAKEPRI(LOG_MAIL, LOG_CRIT)), LOG_FAC(LOG_AUTHPRIV | LOG_INFO), LOG_FACMASK);
  printf("options %d %d %d %d %d %d\n", LOG_PID, LOG_CONS, LOG_ODELAY, LOG_NDELAY, LOG_NOWAIT, LOG_PERROR);
  fflush(stdout);

  /* No openlog: LOG_USER, no stderr copy; the connection is tried at once and fails. */
  syslog(LOG_INFO, "before openlog %d", 1);
  /* Lazy (LOG_ODELAY): nothing until the first message. */
  openlog("diffsys", LOG_PID | LOG_PERROR | LOG_ODELAY | LOG_NOWAIT, LOG_DAEMON);
  syslog(LOG_NOTICE, "hello %s %d", "world", 42);
  errno = ENOENT;
  syslog(LOG_ERR, "open(\"/nope\"): %m (100%%)");
  logv(LOG_WARNING, "vsyslog %c%c", 'o', 'k');
  syslog(LOG_LOCAL3 | LOG_NOTICE, "ends with a newline\n");
  printf("mask %d\n", setlogmask(LOG_UPTO(LOG_NOTICE)));
  /* Masked: no call at all. */
  syslog(LOG_DEBUG, "masked debug");
  syslog(LOG_INFO, "masked info");
  printf("mask %d\n", setlogmask(0));
  printf("mask %d\n", setlogmask(LOG_MASK(LOG_ERR) | LOG_MASK(LOG_CRIT)));
  syslog(LOG_WARNING, "masked warning");
  syslog(LOG_CRIT, "critical");
  setlogmask(0xff);
  fflush(stdout);
  /* closelog with nothing connected: no call; the ident is the program's name again, the options stay. */
  closelog();
  syslog(LOG_ALERT, "after closelog");
  /* LOG_NDELAY: socket and connect at openlog (failing here), then again at the message. */
  openlog("nd", LOG_NDELAY | LOG_PERROR, LOG_USER);
  syslog(LOG_EMERG, "x");
  /* Bits outside priority and facility: glibc logs that first (LOG_ERR|LOG_CONS|LOG_PERROR|LOG_PID as a priority). */
  syslog(0x12345, "bad pri");
  syslog(LOG_MAKEPRI(LOG_KERN, LOG_INFO), "kern facility means the default");
  closelog();
  /* An ident longer than glibc's 1024-byte stack buffer: the whole message is made on the heap. */
  static char ident[1100];
  memset(ident, 'i', sizeof ident - 1);
  openlog(ident, LOG_PERROR, LOG_LOCAL1);
  syslog(LOG_INFO, "after a long ident %d", 7);
  closelog();
  printf("done\n");
  return 0;
}
