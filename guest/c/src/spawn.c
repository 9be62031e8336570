/* posix_spawn(3) on socklab's fork() and execve() (docs/abi.md), with
 * glibc's semantics: attributes and file actions are applied in the child
 * in glibc's order, and an exec (or action) failure there is posix_spawn's
 * return value, the child reaped. glibc's child reports that failure
 * through memory it shares with the parent (CLONE_VM|CLONE_VFORK); a
 * socklab fork copies memory, so the child writes its errno into an
 * O_CLOEXEC pipe instead: the parent reads 0 bytes once the exec closed
 * it, or the errno. The parent waits for that read as glibc's waits for
 * the vfork child. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { DO_CLOSE, DO_DUP2, DO_OPEN, DO_CHDIR, DO_FCHDIR };
struct __spawn_action {
  int tag;
  int fd, newfd, oflag;
  mode_t mode;
  char *path;
};

#define ALL_FLAGS (POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | \
                   POSIX_SPAWN_USEVFORK | POSIX_SPAWN_SETSID)
/* glibc's child exits with 127 when it cannot exec. */
#define SPAWN_ERROR 127

/* glibc's __spawn_valid_fd: in [0, RLIMIT_NOFILE). */
static int valid_fd(int fd) {
  long max = sysconf(_SC_OPEN_MAX);
  return fd >= 0 && (max == -1 || fd < max);
}

int posix_spawnattr_init(posix_spawnattr_t *a) { memset(a, 0, sizeof *a); return 0; }
int posix_spawnattr_destroy(posix_spawnattr_t *a) { (void)a; return 0; }
int posix_spawnattr_getflags(const posix_spawnattr_t *a, short *f) { *f = a->__flags; return 0; }
int posix_spawnattr_setflags(posix_spawnattr_t *a, short f) {
  if (f & ~ALL_FLAGS) return EINVAL;
  a->__flags = f;
  return 0;
}
int posix_spawnattr_getpgroup(const posix_spawnattr_t *a, pid_t *g) { *g = a->__pgrp; return 0; }
int posix_spawnattr_setpgroup(posix_spawnattr_t *a, pid_t g) { a->__pgrp = g; return 0; }
int posix_spawnattr_getsigmask(const posix_spawnattr_t *a, sigset_t *s) { *s = a->__ss; return 0; }
int posix_spawnattr_setsigmask(posix_spawnattr_t *a, const sigset_t *s) { a->__ss = *s; return 0; }
int posix_spawnattr_getsigdefault(const posix_spawnattr_t *a, sigset_t *s) { *s = a->__sd; return 0; }
int posix_spawnattr_setsigdefault(posix_spawnattr_t *a, const sigset_t *s) { a->__sd = *s; return 0; }

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa) { memset(fa, 0, sizeof *fa); return 0; }
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa) {
  for (int i = 0; i < fa->__used; i++) free(fa->__actions[i].path);
  free(fa->__actions);
  memset(fa, 0, sizeof *fa);
  return 0;
}

/* The next action's slot, the array grown by 8 as glibc's. */
static struct __spawn_action *new_action(posix_spawn_file_actions_t *fa) {
  if (fa->__used == fa->__allocated) {
    struct __spawn_action *n = realloc(fa->__actions, (size_t)(fa->__allocated + 8) * sizeof *n);
    if (!n) return NULL;
    fa->__actions = n;
    fa->__allocated += 8;
  }
  struct __spawn_action *a = &fa->__actions[fa->__used];
  memset(a, 0, sizeof *a);
  return a;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd) {
  if (!valid_fd(fd)) return EBADF;
  struct __spawn_action *a = new_action(fa);
  if (!a) return ENOMEM;
  a->tag = DO_CLOSE;
  a->fd = fd;
  fa->__used++;
  return 0;
}
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd) {
  if (!valid_fd(fd) || !valid_fd(newfd)) return EBADF;
  struct __spawn_action *a = new_action(fa);
  if (!a) return ENOMEM;
  a->tag = DO_DUP2;
  a->fd = fd;
  a->newfd = newfd;
  fa->__used++;
  return 0;
}
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path, int oflag, mode_t mode) {
  if (!valid_fd(fd)) return EBADF;
  char *p = strdup(path);
  if (!p) return ENOMEM;
  struct __spawn_action *a = new_action(fa);
  if (!a) { free(p); return ENOMEM; }
  a->tag = DO_OPEN;
  a->fd = fd;
  a->path = p;
  a->oflag = oflag;
  a->mode = mode;
  fa->__used++;
  return 0;
}
int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *fa, const char *path) {
  char *p = strdup(path);
  if (!p) return ENOMEM;
  struct __spawn_action *a = new_action(fa);
  if (!a) { free(p); return ENOMEM; }
  a->tag = DO_CHDIR;
  a->path = p;
  fa->__used++;
  return 0;
}
/* glibc checks no fd here: the child's fchdir fails. */
int posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t *fa, int fd) {
  struct __spawn_action *a = new_action(fa);
  if (!a) return ENOMEM;
  a->tag = DO_FCHDIR;
  a->fd = fd;
  fa->__used++;
  return 0;
}

/* The child's end of the error pipe moved off an fd an action is about to take (glibc's child has no such fd). */
static int keep_clear(int *errfd, int target) {
  if (*errfd != target) return 0;
  int n = fcntl(*errfd, F_DUPFD_CLOEXEC, 0);
  if (n < 0) return -1;
  *errfd = n;
  return 0;
}

/* One file action, as glibc's __spawni_child. */
static int run_action(const struct __spawn_action *a, int *errfd) {
  switch (a->tag) {
    case DO_CLOSE:
      if (keep_clear(errfd, a->fd) < 0) return -1;
      /* glibc reports only an fd out of range (checked when the action was added). */
      if (close(a->fd) != 0 && !valid_fd(a->fd)) return -1;
      return 0;
    case DO_DUP2:
      if (a->fd == a->newfd) {
        /* POSIX 2017: dup2 onto itself in a spawn clears FD_CLOEXEC. */
        int fl = fcntl(a->fd, F_GETFD);
        if (fl < 0 || fcntl(a->fd, F_SETFD, fl & ~FD_CLOEXEC) < 0) return -1;
        return 0;
      }
      if (keep_clear(errfd, a->newfd) < 0) return -1;
      return dup2(a->fd, a->newfd) == a->newfd ? 0 : -1;
    case DO_OPEN: {
      if (keep_clear(errfd, a->fd) < 0) return -1;
      /* glibc closes the target first (its error ignored), so the open usually lands on it. */
      close(a->fd);
      int fd = open(a->path, a->oflag, a->mode);
      if (fd < 0) return -1;
      if (fd != a->fd) {
        if (dup2(fd, a->fd) != a->fd) return -1;
        close(fd);
      }
      return 0;
    }
    case DO_CHDIR: return chdir(a->path);
    case DO_FCHDIR: return fchdir(a->fd);
  }
  errno = EINVAL;
  return -1;
}

/* The child: attributes, then file actions, then the exec; on a failure its errno goes to the pipe. */
static _Noreturn void child(int errfd, const char *file, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                            char *const argv[], char *const envp[], int search) {
  short flags = attr ? attr->__flags : 0;
  if (flags & POSIX_SPAWN_SETSIGDEF) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int sig = 1; sig < 65; sig++)
      if (sig != SIGKILL && sig != SIGSTOP && sigismember(&attr->__sd, sig) == 1) sigaction(sig, &sa, NULL);
  }
  if ((flags & POSIX_SPAWN_SETSID) && setsid() < 0) goto fail;
  if ((flags & POSIX_SPAWN_SETPGROUP) && setpgid(0, attr->__pgrp) != 0) goto fail;
  /* glibc's local_seteuid(getuid()) then local_setegid(getgid()): setresuid/setresgid with -1 for the others. */
  if ((flags & POSIX_SPAWN_RESETIDS) && (setresuid(-1, getuid(), -1) != 0 || setresgid(-1, getgid(), -1) != 0)) goto fail;
  if (fa)
    for (int i = 0; i < fa->__used; i++)
      if (run_action(&fa->__actions[i], &errfd) != 0) goto fail;
  if ((flags & POSIX_SPAWN_SETSIGMASK) && sigprocmask(SIG_SETMASK, &attr->__ss, NULL) != 0) goto fail;
  if (search) execvpe(file, argv, envp);
  else execve(file, argv, envp);
fail:;
  int err = errno;
  write(errfd, &err, sizeof err);
  _exit(SPAWN_ERROR);
}

static int spawn(pid_t *pidp, const char *file, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                 char *const argv[], char *const envp[], int search) {
  int saved = errno;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) {
    int e = errno;
    errno = saved;
    return e;
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    child(p[1], file, fa, attr, argv, envp, search);
  }
  int ret = 0;
  if (pid < 0) {
    ret = errno;
  } else {
    close(p[1]);
    int err = 0;
    ssize_t n;
    while ((n = read(p[0], &err, sizeof err)) < 0 && errno == EINTR) {}
    if (n == (ssize_t)sizeof err) {
      /* The child could not exec: reap it, as glibc does. */
      ret = err;
      while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    } else if (pidp) {
      *pidp = pid;
    }
  }
  close(p[0]);
  if (pid < 0) close(p[1]);
  errno = saved;
  return ret;
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                char *const argv[], char *const envp[]) {
  return spawn(pid, path, fa, attr, argv, envp, 0);
}
int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
                 char *const argv[], char *const envp[]) {
  return spawn(pid, file, fa, attr, argv, envp, 1);
}
