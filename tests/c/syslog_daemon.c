/* A daemon that logs (tests/syslog.test.ts), as textbook daemons do: fork,
 * setsid, chdir("/"), openlog(LOG_PID|LOG_CONS, LOG_DAEMON), syslog. What the
 * log daemon (tests/c/syslog_logd.c) receives must be glibc's bytes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid > 0) {
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
  }
  setsid();
  if (chdir("/") < 0) return 1;
  openlog("logtest", LOG_PID | LOG_CONS, LOG_DAEMON);
  syslog(LOG_INFO, "started, uid %d", (int)getuid());
  errno = ECONNREFUSED;
  syslog(LOG_ERR, "accept: %m");
  setlogmask(LOG_UPTO(LOG_INFO));
  syslog(LOG_DEBUG, "not sent");
  syslog(LOG_LOCAL0 | LOG_WARNING, "ends with a newline\n");
  /* Past glibc's 1024-byte stack buffer. */
  char big[1500];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  syslog(LOG_NOTICE, "%s", big);
  closelog();
  /* After closelog: the program's name, a new socket. */
  syslog(LOG_NOTICE, "after closelog");
  return 0;
}
