/* <termios.h> on files that are not terminals (tests/strace-diff.test.ts,
 * tests/spawn.test.ts): /dev/null, a pipe, a socket and a bad fd. Each call
 * is the ioctl glibc makes, failing with ENOTTY (EBADF); cfmakeraw and the
 * speed functions work on the struct. Prints what each returned. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

static void show(const char *what, int r) { printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "ok"); }

static void calls(int fd) {
  struct termios t;
  memset(&t, 0, sizeof t);
  printf("fd %d\n", fd);
  show("tcgetattr", tcgetattr(fd, &t));
  t.c_iflag = ICRNL | IXON;
  t.c_oflag = OPOST | ONLCR;
  t.c_cflag = B38400 | CS8 | CREAD | HUPCL;
  t.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN | ECHOCTL | ECHOKE;
  t.c_cc[VINTR] = 3;
  t.c_cc[VMIN] = 1;
  show("tcsetattr TCSANOW", tcsetattr(fd, TCSANOW, &t));
  cfmakeraw(&t);
  show("tcsetattr TCSADRAIN", tcsetattr(fd, TCSADRAIN, &t));
  cfsetspeed(&t, 115200);
  t.c_oflag |= TAB3 | CR2 | NL1;
  show("tcsetattr TCSAFLUSH", tcsetattr(fd, TCSAFLUSH, &t));
  show("tcsetattr 7", tcsetattr(fd, 7, &t));
  show("tcflush TCIOFLUSH", tcflush(fd, TCIOFLUSH));
  show("tcflush 9", tcflush(fd, 9));
  show("tcdrain", tcdrain(fd));
  show("tcflow TCOON", tcflow(fd, TCOON));
  show("tcflow 7", tcflow(fd, 7));
  show("tcsendbreak 0", tcsendbreak(fd, 0));
  show("tcsendbreak 250", tcsendbreak(fd, 250));
  show("tcgetpgrp", tcgetpgrp(fd));
  show("tcsetpgrp", tcsetpgrp(fd, 4242));
  show("tcgetsid", tcgetsid(fd));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int null = open("/dev/null", O_RDWR);
  int p[2];
  pipe(p);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  calls(null);
  calls(p[0]);
  calls(s);
  calls(99);
  close(s);

  struct termios t;
  int r;
  memset(&t, 0xff, sizeof t);
  cfmakeraw(&t);
  printf("raw: iflag=%#o oflag=%#o cflag=%#o lflag=%#o vmin=%d vtime=%d\n", t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag, t.c_cc[VMIN], t.c_cc[VTIME]);
  memset(&t, 0, sizeof t);
  /* One call a statement: gcc and clang evaluate arguments in opposite orders. */
  r = cfsetospeed(&t, B9600);
  printf("cfsetospeed B9600: %d -> o=%#o i=%#o cflag=%#o\n", r, cfgetospeed(&t), cfgetispeed(&t), t.c_cflag);
  r = cfsetispeed(&t, B0);
  printf("cfsetispeed B0: %d -> i=%#o cflag=%#o\n", r, cfgetispeed(&t), t.c_cflag);
  r = cfsetispeed(&t, B57600);
  printf("cfsetispeed B57600: %d -> i=%#o cflag=%#o\n", r, cfgetispeed(&t), t.c_cflag);
  errno = 0;
  r = cfsetospeed(&t, 12345);
  printf("cfsetospeed 12345: %d %s\n", r, strerror(errno));
  r = cfsetspeed(&t, 19200);
  printf("cfsetspeed 19200: %d -> %#o\n", r, cfgetospeed(&t));
  r = cfsetspeed(&t, B4000000);
  printf("cfsetspeed B4000000: %d -> %#o\n", r, cfgetospeed(&t));
  errno = 0;
  r = cfsetspeed(&t, 12345);
  printf("cfsetspeed 12345: %d %s -> %#o\n", r, strerror(errno), cfgetospeed(&t));
  printf("sizeof %d c_cc at %d NCCS %d\n", (int)sizeof(struct termios), (int)__builtin_offsetof(struct termios, c_cc), NCCS);
  return 0;
}
