/* APUE 15.33: IPC between parent and child using mmap of /dev/zero, alternating under 10.24's signal-based
 * TELL_WAIT (SIGUSR1/SIGUSR2 and sigsuspend). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define NLOOPS 1000
#define SIZE sizeof(long) /* size of shared memory area */

static void err_sys(const char *m) { perror(m); exit(1); }

static volatile sig_atomic_t sigflag; /* set nonzero by sig handler */
static sigset_t newmask, oldmask, zeromask;

static void sig_usr(int signo) { sigflag = 1; }

void TELL_WAIT(void) {
  if (signal(SIGUSR1, sig_usr) == SIG_ERR) err_sys("signal(SIGUSR1) error");
  if (signal(SIGUSR2, sig_usr) == SIG_ERR) err_sys("signal(SIGUSR2) error");
  sigemptyset(&zeromask);
  sigemptyset(&newmask);
  sigaddset(&newmask, SIGUSR1);
  sigaddset(&newmask, SIGUSR2);
  /* Block SIGUSR1 and SIGUSR2, and save current signal mask. */
  if (sigprocmask(SIG_BLOCK, &newmask, &oldmask) < 0) err_sys("SIG_BLOCK error");
}
void TELL_PARENT(pid_t pid) { kill(pid, SIGUSR2); }
void WAIT_PARENT(void) {
  while (sigflag == 0) sigsuspend(&zeromask);
  sigflag = 0;
  if (sigprocmask(SIG_SETMASK, &oldmask, NULL) < 0) err_sys("SIG_SETMASK error");
}
void TELL_CHILD(pid_t pid) { kill(pid, SIGUSR1); }
void WAIT_CHILD(void) {
  while (sigflag == 0) sigsuspend(&zeromask);
  sigflag = 0;
  if (sigprocmask(SIG_SETMASK, &oldmask, NULL) < 0) err_sys("SIG_SETMASK error");
}

static int update(long *ptr) { return (*ptr)++; }

int main(void) {
  int fd, i, counter;
  pid_t pid;
  void *area;

  if ((fd = open("/dev/zero", O_RDWR)) < 0) err_sys("open error");
  if ((area = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) err_sys("mmap error");
  close(fd); /* can close /dev/zero now that it's mapped */

  TELL_WAIT();
  if ((pid = fork()) < 0) {
    err_sys("fork error");
  } else if (pid > 0) { /* parent */
    for (i = 0; i < NLOOPS; i += 2) {
      if ((counter = update((long *)area)) != i) { fprintf(stderr, "parent: expected %d, got %d\n", i, counter); exit(1); }
      TELL_CHILD(pid);
      WAIT_CHILD();
    }
    /* Not in the book: the child's last increment, seen once it has exited. */
    int st;
    waitpid(pid, &st, 0);
    printf("parent: counter %ld, child exited %d\n", *(long *)area, WEXITSTATUS(st));
  } else { /* child */
    for (i = 1; i < NLOOPS + 1; i += 2) {
      WAIT_PARENT();
      if ((counter = update((long *)area)) != i) { fprintf(stderr, "child: expected %d, got %d\n", i, counter); exit(1); }
      TELL_PARENT(getppid());
    }
    printf("child: counter %ld\n", *(long *)area);
  }
  exit(0);
}
