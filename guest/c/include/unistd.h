/* socklab guest SDK: <unistd.h>. wasi-libc's, plus the calls WASI lacks and
 * socklab provides (docs/abi.md): fork, getpid, getppid, pipe, pipe2, dup,
 * dup2, dup3; getuid, setuid and their kin (guest/c/src/creds.c). */
#ifndef _WASI_EMULATED_GETPID
#define _WASI_EMULATED_GETPID
#endif
#include_next <unistd.h>
#ifndef _SOCKLAB_UNISTD_H
#define _SOCKLAB_UNISTD_H
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

pid_t fork(void);
pid_t getppid(void);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int dup(int fd);
int dup2(int fd, int newfd);
int dup3(int fd, int newfd, int flags);
unsigned alarm(unsigned seconds);
/* Credentials as Linux's (docs/abi.md, "Users and credentials"): a process starts as root (all ids 0). */
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int getgroups(int size, gid_t list[]);
int setuid(uid_t uid);
int seteuid(uid_t uid);
int setgid(gid_t gid);
int setegid(gid_t gid);
int setreuid(uid_t ruid, uid_t euid);
int setregid(gid_t rgid, gid_t egid);
#ifdef _GNU_SOURCE
int setresuid(uid_t ruid, uid_t euid, uid_t suid);
int setresgid(gid_t rgid, gid_t egid, gid_t sgid);
int getresuid(uid_t *ruid, uid_t *euid, uid_t *suid);
int getresgid(gid_t *rgid, gid_t *egid, gid_t *sgid);
#endif
int pause(void);
#ifdef _GNU_SOURCE
/* One thread per process: its id is the pid (glibc declares it under _GNU_SOURCE). */
pid_t gettid(void);
#endif
/* execve and its family: the file must be a WebAssembly module in the guest's filesystem (docs/abi.md). */
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
int execvp(const char *file, char *const argv[]);
int execvpe(const char *file, char *const argv[], char *const envp[]);
int execl(const char *path, const char *arg, ...);
int execlp(const char *file, const char *arg, ...);
int execle(const char *path, const char *arg, ...);

#ifdef __cplusplus
}
#endif
#endif

/* Sessions and process groups, daemon(3) (guest/c/src/session.c; wasi-libc leaves them out). */
#ifndef _SOCKLAB_UNISTD_SESSION
#define _SOCKLAB_UNISTD_SESSION
#ifdef __cplusplus
extern "C" {
#endif
pid_t getpgrp(void);
pid_t getpgid(pid_t pid);
int setpgid(pid_t pid, pid_t pgid);
pid_t setsid(void);
pid_t getsid(pid_t pid);
int daemon(int nochdir, int noclose);
/* The soft RLIMIT_NOFILE, as glibc's (guest/c/src/resource.c; so is sysconf(_SC_OPEN_MAX)). */
int getdtablesize(void);
#ifdef __cplusplus
}
#endif
#endif

/* File owners as Linux's (guest/c/src/owners.c; wasi-libc leaves them out; docs/abi.md "Owners and statvfs"). */
#ifndef _SOCKLAB_UNISTD_OWNERS
#define _SOCKLAB_UNISTD_OWNERS
#ifdef __cplusplus
extern "C" {
#endif
int chown(const char *path, uid_t owner, gid_t group);
int fchown(int fd, uid_t owner, gid_t group);
int lchown(const char *path, uid_t owner, gid_t group);
int fchownat(int fd, const char *path, uid_t owner, gid_t group, int flag);
#ifdef __cplusplus
}
#endif
#endif

/* fchdir(2): WASI has none; a host call (guest/c/src/prctl.c; docs/abi.md "prctl and fchdir"). */
#ifndef _SOCKLAB_UNISTD_FCHDIR
#define _SOCKLAB_UNISTD_FCHDIR
#ifdef __cplusplus
extern "C" {
#endif
int fchdir(int fd);
#ifdef __cplusplus
}
#endif
#endif
