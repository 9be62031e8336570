/* <termios.h> as glibc 2.36 (Debian) on Linux: each call on an fd is the
 * ioctl glibc makes, on the kernel's struct termios (36 bytes: the four
 * flag words, c_line, 19 c_cc), so the trace reads as strace's. No socklab
 * fd is a terminal: the host answers ENOTTY (EBADF for a bad fd). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "socklab_imports.h"

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSBRK 0x5409
#define TCXONC 0x540A
#define TCFLSH 0x540B
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TCSBRKP 0x5425
#define TIOCGSID 0x5429
#define KERNEL_NCCS 19
/* glibc's own c_iflag bit: cfsetispeed(t, 0) means "the output speed". */
#define IBAUD0 020000000000

struct kernel_termios {
  tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
  cc_t c_line;
  cc_t c_cc[KERNEL_NCCS];
};

static int tty_ioctl(int fd, int req, void *arg) { return __socklab_ret(__socklab_ioctl(fd, req, arg)); }
static void *intarg(long v) { return (void *)(uintptr_t)v; }

int tcgetattr(int fd, struct termios *t) {
  struct kernel_termios k;
  if (tty_ioctl(fd, TCGETS, &k) < 0) return -1;
  t->c_iflag = k.c_iflag;
  t->c_oflag = k.c_oflag;
  t->c_cflag = k.c_cflag;
  t->c_lflag = k.c_lflag;
  t->c_line = k.c_line;
  t->c_ispeed = k.c_cflag & (CBAUD | CBAUDEX);
  t->c_ospeed = k.c_cflag & (CBAUD | CBAUDEX);
  memcpy(t->c_cc, k.c_cc, KERNEL_NCCS);
  memset(t->c_cc + KERNEL_NCCS, 0, NCCS - KERNEL_NCCS);
  return 0;
}

/* Debian's glibc reads the current settings first (TCGETS, whatever its
 * result), to check c_cflag after a successful set; then the action's
 * TCSETS/TCSETSW/TCSETSF, or EINVAL for an unknown action. */
int tcsetattr(int fd, int action, const struct termios *t) {
  struct kernel_termios old, k;
  int saved = errno;
  tty_ioctl(fd, TCGETS, &old);
  errno = saved;
  if ((unsigned)action > TCSAFLUSH) { errno = EINVAL; return -1; }
  k.c_iflag = t->c_iflag & ~IBAUD0;
  k.c_oflag = t->c_oflag;
  k.c_cflag = t->c_cflag;
  k.c_lflag = t->c_lflag;
  k.c_line = t->c_line;
  memcpy(k.c_cc, t->c_cc, KERNEL_NCCS);
  return tty_ioctl(fd, TCSETS + action, &k);
}

int tcsendbreak(int fd, int duration) {
  /* glibc: a positive duration is TCSBRKP's tenths of a second, rounded up. */
  if (duration <= 0) return tty_ioctl(fd, TCSBRK, intarg(0));
  return tty_ioctl(fd, TCSBRKP, intarg((duration + 99) / 100));
}
int tcdrain(int fd) { return tty_ioctl(fd, TCSBRK, intarg(1)); }
/* The kernel checks the selector and action (glibc passes them on). */
int tcflush(int fd, int queue) { return tty_ioctl(fd, TCFLSH, intarg(queue)); }
int tcflow(int fd, int action) { return tty_ioctl(fd, TCXONC, intarg(action)); }

pid_t tcgetpgrp(int fd) {
  int pgrp;
  if (tty_ioctl(fd, TIOCGPGRP, &pgrp) < 0) return -1;
  return pgrp;
}
int tcsetpgrp(int fd, pid_t pgrp) {
  int v = pgrp;
  return tty_ioctl(fd, TIOCSPGRP, &v);
}
pid_t tcgetsid(int fd) {
  int sid;
  if (tty_ioctl(fd, TIOCGSID, &sid) < 0) return -1;
  return sid;
}

void cfmakeraw(struct termios *t) {
  t->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t->c_oflag &= ~OPOST;
  t->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t->c_cflag &= ~(CSIZE | PARENB);
  t->c_cflag |= CS8;
  t->c_cc[VMIN] = 1;
  t->c_cc[VTIME] = 0;
}

speed_t cfgetospeed(const struct termios *t) { return t->c_cflag & (CBAUD | CBAUDEX); }
speed_t cfgetispeed(const struct termios *t) {
  return (t->c_iflag & IBAUD0) ? 0 : t->c_cflag & (CBAUD | CBAUDEX);
}

/* A B constant: B0..B38400, or B57600..B4000000. */
static int valid_speed(speed_t s) { return (s & ~CBAUD) == 0 || (s >= B57600 && s <= __MAX_BAUD); }

int cfsetospeed(struct termios *t, speed_t s) {
  if (!valid_speed(s)) { errno = EINVAL; return -1; }
  t->c_ospeed = s;
  t->c_cflag &= ~(CBAUD | CBAUDEX);
  t->c_cflag |= s;
  return 0;
}
int cfsetispeed(struct termios *t, speed_t s) {
  if (!valid_speed(s)) { errno = EINVAL; return -1; }
  t->c_ispeed = s;
  if (s == 0) {
    t->c_iflag |= IBAUD0;
  } else {
    t->c_iflag &= ~IBAUD0;
    t->c_cflag &= ~(CBAUD | CBAUDEX);
    t->c_cflag |= s;
  }
  return 0;
}

/* cfsetspeed takes a B constant or the rate itself (9600), as glibc's table. */
static const struct { speed_t value, internal; } speeds[] = {
  {0, B0}, {50, B50}, {75, B75}, {110, B110}, {134, B134}, {150, B150}, {200, B200}, {300, B300},
  {600, B600}, {1200, B1200}, {1800, B1800}, {2400, B2400}, {4800, B4800}, {9600, B9600},
  {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200}, {230400, B230400},
  {460800, B460800}, {500000, B500000}, {576000, B576000}, {921600, B921600}, {1000000, B1000000},
  {1152000, B1152000}, {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000},
  {3000000, B3000000}, {3500000, B3500000}, {4000000, B4000000},
};
int cfsetspeed(struct termios *t, speed_t s) {
  for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++) {
    if (s == speeds[i].internal) {
      cfsetispeed(t, s);
      cfsetospeed(t, s);
      return 0;
    }
    if (s == speeds[i].value) {
      cfsetispeed(t, speeds[i].internal);
      cfsetospeed(t, speeds[i].internal);
      return 0;
    }
  }
  errno = EINVAL;
  return -1;
}
