/* socklab guest SDK: <sys/syslog.h>, glibc's names and values (guest/c/src/syslog.c). */
#ifndef _SOCKLAB_SYS_SYSLOG_H
#define _SOCKLAB_SYS_SYSLOG_H
#define _SYS_SYSLOG_H 1
#include <stdarg.h>

#define _PATH_LOG "/dev/log"

/* Priorities (ordered), in the low 3 bits. */
#define LOG_EMERG 0   /* system is unusable */
#define LOG_ALERT 1   /* action must be taken immediately */
#define LOG_CRIT 2    /* critical conditions */
#define LOG_ERR 3     /* error conditions */
#define LOG_WARNING 4 /* warning conditions */
#define LOG_NOTICE 5  /* normal but significant condition */
#define LOG_INFO 6    /* informational */
#define LOG_DEBUG 7   /* debug-level messages */

#define LOG_PRIMASK 0x07
#define LOG_PRI(p) ((p) & LOG_PRIMASK)
#define LOG_MAKEPRI(fac, pri) ((fac) | (pri))

#ifdef SYSLOG_NAMES
#define INTERNAL_NOPRI 0x10
#define INTERNAL_MARK LOG_MAKEPRI(LOG_NFACILITIES << 3, 0)
typedef struct _code {
  char *c_name;
  int c_val;
} CODE;
CODE prioritynames[] = {
  {"alert", LOG_ALERT}, {"crit", LOG_CRIT}, {"debug", LOG_DEBUG}, {"emerg", LOG_EMERG},
  {"err", LOG_ERR}, {"error", LOG_ERR}, {"info", LOG_INFO}, {"none", INTERNAL_NOPRI},
  {"notice", LOG_NOTICE}, {"panic", LOG_EMERG}, {"warn", LOG_WARNING}, {"warning", LOG_WARNING},
  {0, -1},
};
#endif

/* Facilities, from bit 3 up. */
#define LOG_KERN (0 << 3)      /* kernel messages */
#define LOG_USER (1 << 3)      /* random user-level messages */
#define LOG_MAIL (2 << 3)      /* mail system */
#define LOG_DAEMON (3 << 3)    /* system daemons */
#define LOG_AUTH (4 << 3)      /* security/authorization messages */
#define LOG_SYSLOG (5 << 3)    /* messages generated internally by syslogd */
#define LOG_LPR (6 << 3)       /* line printer subsystem */
#define LOG_NEWS (7 << 3)      /* network news subsystem */
#define LOG_UUCP (8 << 3)      /* UUCP subsystem */
#define LOG_CRON (9 << 3)      /* clock daemon */
#define LOG_AUTHPRIV (10 << 3) /* security/authorization messages (private) */
#define LOG_FTP (11 << 3)      /* ftp daemon */
#define LOG_LOCAL0 (16 << 3)
#define LOG_LOCAL1 (17 << 3)
#define LOG_LOCAL2 (18 << 3)
#define LOG_LOCAL3 (19 << 3)
#define LOG_LOCAL4 (20 << 3)
#define LOG_LOCAL5 (21 << 3)
#define LOG_LOCAL6 (22 << 3)
#define LOG_LOCAL7 (23 << 3)

#define LOG_NFACILITIES 24
#define LOG_FACMASK 0x03f8
#define LOG_FAC(p) (((p) & LOG_FACMASK) >> 3)

#ifdef SYSLOG_NAMES
CODE facilitynames[] = {
  {"auth", LOG_AUTH}, {"authpriv", LOG_AUTHPRIV}, {"cron", LOG_CRON}, {"daemon", LOG_DAEMON},
  {"ftp", LOG_FTP}, {"kern", LOG_KERN}, {"lpr", LOG_LPR}, {"mail", LOG_MAIL},
  {"mark", INTERNAL_MARK}, {"news", LOG_NEWS}, {"security", LOG_AUTH}, {"syslog", LOG_SYSLOG},
  {"user", LOG_USER}, {"uucp", LOG_UUCP}, {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},
  {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
  {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7}, {0, -1},
};
#endif

/* setlogmask's argument. */
#define LOG_MASK(pri) (1 << (pri))
#define LOG_UPTO(pri) ((1 << ((pri) + 1)) - 1)

/* openlog's options. LOG_ODELAY does nothing (the connection is lazy unless LOG_NDELAY). */
#define LOG_PID 0x01    /* log the pid with each message */
#define LOG_CONS 0x02   /* log on the console if errors in sending */
#define LOG_ODELAY 0x04 /* delay open until first syslog() (default) */
#define LOG_NDELAY 0x08 /* don't delay open */
#define LOG_NOWAIT 0x10 /* don't wait for console forks: DEPRECATED */
#define LOG_PERROR 0x20 /* log to stderr as well */

#ifdef __cplusplus
extern "C" {
#endif
void closelog(void);
void openlog(const char *ident, int option, int facility);
int setlogmask(int mask);
void syslog(int pri, const char *fmt, ...) __attribute__((__format__(__printf__, 2, 3)));
void vsyslog(int pri, const char *fmt, va_list ap) __attribute__((__format__(__printf__, 2, 0)));
#ifdef __cplusplus
}
#endif
#endif
