/* socklab guest SDK: <poll.h> with Linux event bits; poll() works on every
 * fd (files, stdio, sockets) through the host. */
#ifndef _SOCKLAB_POLL_H
#define _SOCKLAB_POLL_H
#define _POLL_H
#define __wasilibc___header_poll_h
#define __wasilibc___struct_pollfd_h

#ifdef __cplusplus
extern "C" {
#endif

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLMSG 0x400
#define POLLRDHUP 0x2000

typedef unsigned long nfds_t;
struct pollfd {
  int fd;
  short events;
  short revents;
};

int poll(struct pollfd *, nfds_t, int);

#ifdef _GNU_SOURCE
#include <__struct_timespec.h>
#include <__typedef_sigset_t.h>
/* poll with a timespec and a signal mask installed for the wait (ppoll(2)). */
int ppoll(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
#endif

#ifdef __cplusplus
}
#endif
#endif
