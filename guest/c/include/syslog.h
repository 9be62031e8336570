/* socklab guest SDK: <syslog.h>, as glibc's (everything is in <sys/syslog.h>). */
#include <sys/syslog.h>
