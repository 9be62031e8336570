/* setjmp, longjmp, sigsetjmp and siglongjmp as textbook programs use them
 * (APUE 7.10 and 10.15, UNP 20.8's dg_cli timeout), compared with gcc's
 * build: values after a jump, the signal mask each variant leaves, jumps out
 * of handlers that interrupted blocking calls, a jump in a forked child, and
 * many jumps in a loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static jmp_buf top;
static sigjmp_buf alrm_env;
static volatile sig_atomic_t canjump;

static int blocked(int sig) {
  sigset_t m;
  sigprocmask(SIG_BLOCK, NULL, &m);
  return sigismember(&m, sig);
}

/* Recursion 40 deep, then a jump straight back to main. */
static void deep(int n) {
  char pad[64];
  memset(pad, n, sizeof pad);
  if (n == 40) longjmp(top, pad[0]);
  deep(n + 1);
  printf("never %d\n", pad[1]);
}

/* APUE 7.10's "do_line" shape: nested calls report errors by jumping to the command loop. */
static jmp_buf cmdloop;
static void cmd_add(const char *arg) {
  if (arg == NULL) longjmp(cmdloop, 1);
  if (strcmp(arg, "bad") == 0) longjmp(cmdloop, 2);
  printf("add %s\n", arg);
}

static void on_alrm(int sig) {
  (void)sig;
  if (!canjump) return;
  canjump = 0;
  siglongjmp(alrm_env, 1);
}

static sigjmp_buf usr1_env;
static void on_usr1(int sig) {
  (void)sig;
  printf("usr1 handler: SIGUSR1 blocked in handler %d\n", blocked(SIGUSR1));
  siglongjmp(usr1_env, 5);
}

/* A handler with its own setjmp, jumping within itself. */
static void on_usr2(int sig) {
  (void)sig;
  jmp_buf local;
  volatile int tries = 0;
  if (setjmp(local) < 3) {
    tries++;
    longjmp(local, tries);
  }
  printf("usr2 handler: %d tries\n", tries);
}

/* A fresh jmp_buf on the stack at every call. */
static int bounded(int i) {
  jmp_buf b;
  int r = setjmp(b);
  if (r == 0) longjmp(b, i + 1);
  return r;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* 1. Values: longjmp(…, 0) makes setjmp return 1; volatile locals keep their stores. */
  volatile int count = 0;
  int r = setjmp(top);
  printf("setjmp returned %d, count %d\n", r, count);
  if (count < 3) {
    count++;
    longjmp(top, count == 2 ? 0 : count * 10);
  }
  /* 2. Out of deep recursion. */
  if ((r = setjmp(top)) == 0) deep(0);
  printf("back from depth, value %d\n", r);
  /* 3. Error recovery in a command loop. */
  const char *cmds[] = {"one", "bad", NULL, "two"};
  volatile int ci = 0;
  switch (setjmp(cmdloop)) {
  case 0: break;
  case 1: printf("error: missing argument\n"); break;
  case 2: printf("error: bad argument\n"); break;
  }
  while (ci < 4) {
    int i = ci++;
    cmd_add(cmds[i]);
  }
  /* 4. sigsetjmp(…, 1) out of a handler that interrupted a blocking read: the mask comes back. */
  int p[2];
  if (pipe(p) < 0) return 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alrm;
  sigaction(SIGALRM, &sa, NULL);
  if (sigsetjmp(alrm_env, 1) == 0) {
    canjump = 1;
    alarm(1);
    char c;
    ssize_t n = read(p[0], &c, 1);
    printf("read returned %zd\n", n);
  } else {
    printf("timeout (savemask 1): SIGALRM blocked %d\n", blocked(SIGALRM));
  }
  /* 5. The same with sigsetjmp(…, 0): the handler's mask stays, SIGALRM blocked after the jump. */
  if (sigsetjmp(alrm_env, 0) == 0) {
    canjump = 1;
    alarm(1);
    pause();
  } else {
    printf("timeout (savemask 0): SIGALRM blocked %d\n", blocked(SIGALRM));
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* 6. A handler run at a call's return (kill to itself) jumps out. */
  signal(SIGUSR1, on_usr1);
  if ((r = sigsetjmp(usr1_env, 1)) == 0) {
    kill(getpid(), SIGUSR1);
    printf("not reached\n");
  }
  printf("after usr1: value %d, SIGUSR1 blocked %d\n", r, blocked(SIGUSR1));
  /* 7. A jump inside a handler. */
  signal(SIGUSR2, on_usr2);
  raise(SIGUSR2);
  printf("after usr2\n");
  /* 8. UNP 20.8: recvfrom with an alarm, no server answering. */
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons(9);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(s, "hi", 2, 0, (struct sockaddr *)&to, sizeof to);
  if (sigsetjmp(alrm_env, 1) != 0) {
    printf("socket timeout\n");
  } else {
    canjump = 1;
    alarm(1);
    char buf[16];
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, NULL, NULL);
    printf("recvfrom %zd errno %d\n", n, n < 0 ? errno : 0);
  }
  close(s);
  /* 9. A forked child jumps to its parent's setjmp. */
  volatile int inchild = 0;
  if ((r = setjmp(top)) != 0) {
    printf("child jumped back: %d\n", r);
    _exit(inchild ? 7 : 9);
  }
  pid_t pid = fork();
  if (pid == 0) {
    inchild = 1;
    longjmp(top, 42);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  /* 10. Many jumps: 100000 on one buffer, 5000 on buffers on the stack. */
  volatile long loops = 0;
  r = setjmp(top);
  if (loops < 100000) {
    loops++;
    longjmp(top, 1);
  }
  long sum = 0;
  for (int i = 0; i < 5000; i++) sum += bounded(i);
  printf("loops %ld, sum %ld\n", (long)loops, sum);
  return 0;
}
