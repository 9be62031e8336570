/* socklab guest SDK: <linux/sockios.h>'s socket ioctls (SIOCINQ, SIOCOUTQ, SIOCATMARK) come from <sys/ioctl.h>. */
#ifndef _SOCKLAB_LINUX_SOCKIOS_H
#define _SOCKLAB_LINUX_SOCKIOS_H
#include <sys/ioctl.h>
#endif
