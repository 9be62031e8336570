/* POSIX semaphores and shared memory (tests/posixsem.test.ts compares the
 * output with gcc's build): a parent and 3 forked children adding to a
 * counter in shared anonymous memory under sem_wait/sem_post, the parent
 * holding the semaphore while they start so they contend for it (each makes
 * a system call inside the critical section, where socklab's scheduler may
 * switch; each child tells the parent through a pipe as it starts, so under
 * socklab all three sleep on the semaphore); a named semaphore a child waits on; shm_open'd memory; errors. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILDREN 3
#define ROUNDS 50

struct shared {
  sem_t mutex;
  int counter;
  int entered;
};

static void report(const char *what, int r) {
  if (r == -1) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, r);
}

static int value(sem_t *s) {
  int v = -1;
  sem_getvalue(s, &v);
  return v;
}

static void counter_test(void) {
  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) return perror("mmap");
  report("sem_init shared", sem_init(&sh->mutex, 1, 1));
  sem_wait(&sh->mutex);
  int go[2];
  pipe(go);
  pid_t kids[CHILDREN];
  for (int i = 0; i < CHILDREN; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      write(go[1], "w", 1); /* then straight to sem_wait: under socklab it sleeps there before the parent reads on */
      for (int r = 0; r < ROUNDS; r++) {
        if (sem_wait(&sh->mutex) != 0) _exit(2);
        int v = sh->counter;
        getppid(); /* a system call inside the critical section */
        sh->counter = v + 1;
        sem_post(&sh->mutex);
      }
      _exit(0);
    }
  }
  char ch;
  for (int i = 0; i < CHILDREN; i++) read(go[0], &ch, 1);
  close(go[0]);
  close(go[1]);
  for (int r = 0; r < ROUNDS; r++) {
    int v = sh->counter;
    getppid();
    sh->counter = v + 1;
    sem_post(&sh->mutex);
    sem_wait(&sh->mutex);
  }
  sem_post(&sh->mutex);
  int ok = 0;
  for (int i = 0; i < CHILDREN; i++) {
    int st;
    if (waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0) ok++;
  }
  printf("children ok: %d, counter: %d (want %d), value: %d\n", ok, sh->counter, (CHILDREN + 1) * ROUNDS, value(&sh->mutex));
  report("sem_destroy", sem_destroy(&sh->mutex));
  munmap(sh, sizeof *sh);
}

static void errno_test(void) {
  sem_t s;
  report("sem_init too big", sem_init(&s, 0, (unsigned)SEM_VALUE_MAX + 1));
  report("sem_init 0", sem_init(&s, 0, 0));
  report("sem_trywait at 0", sem_trywait(&s));
  struct timespec past = {0, 0};
  report("sem_timedwait past", sem_timedwait(&s, &past));
  struct timespec bad = {0, 1000000000};
  report("sem_timedwait bad nsec", sem_timedwait(&s, &bad));
  bad.tv_nsec = -1;
  report("sem_timedwait negative nsec", sem_timedwait(&s, &bad));
  struct timespec soon;
  clock_gettime(CLOCK_REALTIME, &soon);
  soon.tv_nsec += 20000000;
  if (soon.tv_nsec >= 1000000000) {
    soon.tv_sec++;
    soon.tv_nsec -= 1000000000;
  }
  report("sem_timedwait 20ms", sem_timedwait(&s, &soon));
  report("sem_post", sem_post(&s));
  report("sem_timedwait posted", sem_timedwait(&s, &soon));
  printf("value: %d\n", value(&s));
  sem_t big;
  report("sem_init max", sem_init(&big, 0, SEM_VALUE_MAX));
  report("sem_post past max", sem_post(&big));
  report("sem_trywait at max", sem_trywait(&big));
  printf("value: %d\n", value(&big));
}

/* Names of this run's own: natively /dev/shm is the machine's, shared with another test file running this
 * program at the same time; each runs in its own directory, whose inode tells them apart. */
static char semname[64], shmname[64];
static void make_names(void) {
  struct stat st;
  unsigned long ino = stat(".", &st) == 0 ? (unsigned long)st.st_ino : 0;
  snprintf(semname, sizeof semname, "/diffsem.%lx", ino);
  snprintf(shmname, sizeof shmname, "/diffshm.%lx", ino);
}

static void named_test(void) {
  sem_unlink(semname);
  sem_t *a = sem_open(semname, O_CREAT | O_EXCL, 0600, 0);
  printf("sem_open create: %s\n", a == SEM_FAILED ? strerror(errno) : "ok");
  if (a == SEM_FAILED) return;
  sem_t *b = sem_open(semname, O_CREAT | O_EXCL, 0600, 0);
  printf("sem_open excl again: %s\n", b == SEM_FAILED ? strerror(errno) : "ok");
  b = sem_open(semname, O_CREAT, 0600, 5);
  printf("sem_open again: %s, same: %d, value %d\n", b == SEM_FAILED ? strerror(errno) : "ok", a == b, value(b));
  report("sem_close second", sem_close(b));
  sem_t *c = sem_open("/nosuchsem", 0);
  printf("sem_open missing: %s\n", c == SEM_FAILED ? strerror(errno) : "ok");
  c = sem_open("a/b", O_CREAT, 0600, 1);
  printf("sem_open a/b: %s\n", c == SEM_FAILED ? strerror(errno) : "ok");
  c = sem_open("/", O_CREAT, 0600, 1);
  printf("sem_open /: %s\n", c == SEM_FAILED ? strerror(errno) : "ok");
  c = sem_open("/big", O_CREAT, 0600, (unsigned)SEM_VALUE_MAX + 1);
  printf("sem_open too big: %s\n", c == SEM_FAILED ? strerror(errno) : "ok");
  int go[2];
  pipe(go);
  pid_t pid = fork();
  if (pid == 0) {
    /* Opened anew in the child: its own mapping of the file, the same futex. It says so, then waits. */
    sem_t *k = sem_open(semname, 0);
    if (k == SEM_FAILED) _exit(3);
    write(go[1], "w", 1);
    int r = sem_wait(k);
    printf("child: sem_wait %d, value %d\n", r, value(k));
    fflush(stdout);
    sem_post(k);
    sem_close(k);
    _exit(0);
  }
  char ch;
  read(go[0], &ch, 1);
  close(go[0]);
  close(go[1]);
  /* Said once the child has printed and exited: natively the woken child and this process print in either order. */
  int posted = sem_post(a);
  int st = 0;
  waitpid(pid, &st, 0);
  report("sem_post named", posted);
  printf("child status %d, value %d\n", WEXITSTATUS(st), value(a));
  report("sem_close", sem_close(a));
  report("sem_unlink", sem_unlink(semname));
  report("sem_unlink again", sem_unlink(semname));
  report("sem_unlink bad", sem_unlink("x/y"));
}

struct board {
  sem_t ready;
  char text[64];
};

static void shm_test(void) {
  shm_unlink(shmname);
  int fd = shm_open(shmname, O_CREAT | O_EXCL | O_RDWR, 0600);
  report("shm_open", fd >= 0 ? 0 : -1);
  if (fd < 0) return;
  report("shm_open excl", shm_open(shmname, O_CREAT | O_EXCL | O_RDWR, 0600));
  report("shm_open a/b", shm_open("a/b", O_CREAT | O_RDWR, 0600));
  report("shm_open missing", shm_open("/nosuchshm", O_RDWR, 0));
  report("ftruncate", ftruncate(fd, 4096));
  struct stat st;
  fstat(fd, &st);
  printf("size %lld\n", (long long)st.st_size);
  struct board *bd = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (bd == MAP_FAILED) return perror("mmap");
  close(fd);
  sem_init(&bd->ready, 1, 0);
  pid_t pid = fork();
  if (pid == 0) {
    int f2 = shm_open(shmname, O_RDWR, 0);
    struct board *mine = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f2, 0);
    close(f2);
    strcpy(mine->text, "hello through /dev/shm");
    sem_post(&mine->ready);
    _exit(0);
  }
  report("sem_wait board", sem_wait(&bd->ready));
  printf("board: %s\n", bd->text);
  waitpid(pid, NULL, 0);
  munmap(bd, 4096);
  report("shm_unlink", shm_unlink(shmname));
  report("shm_unlink again", shm_unlink(shmname));
}

int main(void) {
  make_names();
  setvbuf(stdout, NULL, _IONBF, 0);
  counter_test();
  errno_test();
  named_test();
  shm_test();
  return 0;
}
