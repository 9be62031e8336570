/* syslog(3) as glibc 2.36's misc/syslog.c does it, call for call: a lazy
 * socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC) connected to /dev/log at the first
 * message (at openlog with LOG_NDELAY), "<PRI>Mmm dd hh:mm:ss ident[pid]: text"
 * sent whole (a NUL after it on a SOCK_STREAM log socket, the type tried when
 * connect says EPROTOTYPE), the LOG_PERROR copy on stderr before the send, and
 * when no logger takes it the socket closed (a later call tries again) and,
 * with LOG_CONS, the text on /dev/console. The calls are the SDK's own, so the
 * trace shows socket, connect, sendto and close as strace does for glibc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <paths.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syslog.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static int LogType = SOCK_DGRAM; /* the log socket's type: SOCK_STREAM after an EPROTOTYPE */
static int LogFile = -1;
static int connected;
static int LogStat;               /* openlog's options */
static const char *LogTag;        /* openlog's ident; NULL: the program's name */
static int LogFacility = LOG_USER;
static int LogMask = 0xff;

static const struct sockaddr_un SyslogAddr = {.sun_family = AF_UNIX, .sun_path = _PATH_LOG};

/* glibc's __progname: argv[0] after its last '/'. wasi-libc leaves its own unset, so it is read here once. */
extern char *__progname;
static const char *progname(void) {
  static char *name;
  if (__progname) return __progname;
  if (name) return name;
  __wasi_size_t argc = 0, size = 0;
  if (__wasi_args_sizes_get(&argc, &size) != 0 || argc == 0) return name = "";
  char **argv = malloc(argc * sizeof *argv);
  char *buf = malloc(size);
  if (!argv || !buf || __wasi_args_get((uint8_t **)argv, (uint8_t *)buf) != 0) {
    free(argv);
    free(buf);
    return name = "";
  }
  char *slash = strrchr(argv[0], '/');
  name = slash ? slash + 1 : argv[0];
  free(argv); /* buf stays: name points into it */
  return name;
}

static void openlog_internal(const char *ident, int logstat, int logfac) {
  if (ident != NULL) LogTag = ident;
  LogStat = logstat;
  if (logfac != 0 && (logfac & ~LOG_FACMASK) == 0) LogFacility = logfac;
  int retry = 0;
  while (retry < 2) {
    if (LogFile == -1 && (LogStat & LOG_NDELAY)) {
      LogFile = socket(AF_UNIX, LogType | SOCK_CLOEXEC, 0);
      if (LogFile == -1) return;
    }
    if (LogFile != -1 && !connected) {
      int old_errno = errno;
      if (connect(LogFile, (const struct sockaddr *)&SyslogAddr, sizeof SyslogAddr) == -1) {
        int saved_errno = errno;
        int fd = LogFile;
        LogFile = -1;
        close(fd);
        errno = old_errno;
        if (saved_errno == EPROTOTYPE) {
          /* A SOCK_STREAM logger (or back): the other type. */
          LogType = LogType == SOCK_DGRAM ? SOCK_STREAM : SOCK_DGRAM;
          ++retry;
          continue;
        }
      } else {
        connected = 1;
      }
    }
    break;
  }
}

static void closelog_internal(void) {
  if (!connected) return;
  close(LogFile);
  LogFile = -1;
  connected = 0;
}

void openlog(const char *ident, int logstat, int logfac) { openlog_internal(ident, logstat, logfac); }

void closelog(void) {
  closelog_internal();
  LogTag = NULL;
  LogType = SOCK_DGRAM;
}

int setlogmask(int pmask) {
  int omask = LogMask;
  if (pmask != 0) LogMask = pmask;
  return omask;
}

#define INTERNALLOG (LOG_ERR | LOG_CONS | LOG_PERROR | LOG_PID)

void vsyslog(int pri, const char *fmt, va_list ap) {
  char bufs[1024];
  char *buf = bufs;
  size_t bufsize;
  int saved_errno = errno;

  if (pri & ~(LOG_PRIMASK | LOG_FACMASK)) {
    syslog(INTERNALLOG, "syslog: unknown facility/priority: %x", pri);
    pri &= LOG_PRIMASK | LOG_FACMASK;
  }
  if ((LOG_MASK(LOG_PRI(pri)) & LogMask) == 0) return;
  if ((pri & LOG_FACMASK) == 0) pri |= LogFacility;

  pid_t pid = LogStat & LOG_PID ? getpid() : 0;
  /* "%h %e %T ": local time, which is UTC for a guest (as on a machine with TZ unset and no /etc/localtime). */
  char timestamp[sizeof "MMM DD hh:mm:ss "];
  time_t now = time(NULL);
  struct tm tm;
  int has_ts = localtime_r(&now, &tm) != NULL;
  if (has_ts) strftime(timestamp, sizeof timestamp, "%h %e %T ", &tm);

  const char *tag = LogTag == NULL ? progname() : LogTag;
  int msgoff = 0;
#define HEADER(dst, n)                                                                                    \
  (has_ts ? snprintf(dst, n, "<%d>%s%n%s%s%.0d%s: ", pri, timestamp, &msgoff, tag, pid ? "[" : "", pid, \
                     pid ? "]" : "")                                                                     \
          : snprintf(dst, n, "<%d>: %n", pri, &msgoff))
  int l = HEADER(bufs, sizeof bufs);
  if (l < 0) l = 0;
  size_t room = (size_t)l < sizeof bufs ? sizeof bufs - (size_t)l : 0;
  va_list apc;
  va_copy(apc, ap);
  errno = saved_errno; /* for %m */
  int vl = vsnprintf(room ? bufs + l : NULL, room, fmt, apc);
  va_end(apc);
  if (vl < 0) vl = 0;
  bufsize = (size_t)l + (size_t)vl;
  char failbuf[3 * sizeof(pid_t) + sizeof "out of memory []"];
  if (bufsize >= sizeof bufs) {
    /* Longer than the stack buffer (a long ident or text): the whole message on the heap. */
    buf = malloc(bufsize + 1);
    if (buf != NULL) {
      HEADER(buf, (size_t)l + 1);
      errno = saved_errno;
      vsnprintf(buf + l, (size_t)vl + 1, fmt, ap);
    } else {
      /* As glibc: what it can say without memory. */
      bufsize = (size_t)snprintf(failbuf, sizeof failbuf, "out of memory[%d]", (int)getpid());
      buf = failbuf;
      msgoff = 0;
    }
  }
#undef HEADER

  if (LogStat & LOG_PERROR) dprintf(STDERR_FILENO, "%s%s", buf + msgoff, buf[bufsize - 1] == '\n' ? "" : "\n");

  if (!connected) openlog_internal(NULL, LogStat | LOG_NDELAY, LogFacility);
  /* A stream logger reads records up to a NUL. */
  if (LogType == SOCK_STREAM) ++bufsize;

  if (!connected || send(LogFile, buf, bufsize, MSG_NOSIGNAL) < 0) {
    if (connected) {
      /* The logger may have restarted: reconnect once. */
      closelog_internal();
      openlog_internal(NULL, LogStat | LOG_NDELAY, LogFacility);
    }
    if (!connected || send(LogFile, buf, bufsize, MSG_NOSIGNAL) < 0) {
      closelog_internal(); /* a later call tries again */
      int fd;
      if ((LogStat & LOG_CONS) && (fd = open(_PATH_CONSOLE, O_WRONLY | O_NOCTTY | O_CLOEXEC, 0)) >= 0) {
        dprintf(fd, "%s\r\n", buf + msgoff);
        close(fd);
      }
    }
  }
  if (buf != bufs && buf != failbuf) free(buf);
}

void syslog(int pri, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsyslog(pri, fmt, ap);
  va_end(ap);
}
