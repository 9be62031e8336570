// WASI preview1 calls made directly (no libc path layer), as the WASI test
// suite's programs make them: named preopens, rights in fd_fdstat_get, and
// the errno each call gives. Prints one line per check; argv[1] is the name of
// the scratch preopen, argv[2] picks the group of checks.
#include <wasi/api.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static __wasi_fd_t scratch(const char *name) {
  for (__wasi_fd_t fd = 3;; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) break;
    char buf[256] = {0};
    if (ps.u.dir.pr_name_len >= sizeof buf || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, ps.u.dir.pr_name_len) != 0) continue;
    printf("preopen %u %s\n", fd, buf);
    if (strcmp(buf, name) == 0) return fd;
  }
  printf("no preopen %s\n", name);
  exit(1);
}

static const char *err(__wasi_errno_t e) {
  switch (e) {
  case 0: return "ok";
  case __WASI_ERRNO_BADF: return "EBADF";
  case __WASI_ERRNO_NOTCAPABLE: return "ENOTCAPABLE";
  case __WASI_ERRNO_PERM: return "EPERM";
  case __WASI_ERRNO_ISDIR: return "EISDIR";
  case __WASI_ERRNO_NOTDIR: return "ENOTDIR";
  case __WASI_ERRNO_INVAL: return "EINVAL";
  case __WASI_ERRNO_NOENT: return "ENOENT";
  case __WASI_ERRNO_EXIST: return "EEXIST";
  case __WASI_ERRNO_NOTSOCK: return "ENOTSOCK";
  case __WASI_ERRNO_LOOP: return "ELOOP";
  case __WASI_ERRNO_NOTEMPTY: return "ENOTEMPTY";
  case __WASI_ERRNO_SPIPE: return "ESPIPE";
  default: { static char b[16]; snprintf(b, sizeof b, "E%u", e); return b; }
  }
}

static void rights(void) {
  __wasi_fd_t dir = scratch("scratch");
  __wasi_fdstat_t st;
  __wasi_fd_fdstat_get(dir, &st);
  printf("dir type %u write %d readdir %d path_open %d set_size %d inheriting read %d write %d\n", st.fs_filetype,
         !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE), !!(st.fs_rights_base & __WASI_RIGHTS_FD_READDIR),
         !!(st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN), !!(st.fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE),
         !!(st.fs_rights_inheriting & __WASI_RIGHTS_FD_READ), !!(st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE));
  // The scratch dir reopened with the rights it reports, as the suite's programs do.
  __wasi_fd_t d2;
  printf("reopen with its rights: %s\n", err(__wasi_path_open(dir, 0, ".", __WASI_OFLAGS_DIRECTORY, st.fs_rights_base, st.fs_rights_inheriting, 0, &d2)));
  __wasi_fd_t f;
  printf("create: %s\n", err(__wasi_path_open(d2, 0, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK, 0, 0, &f)));
  __wasi_fd_fdstat_get(f, &st);
  printf("file read %d write %d seek %d\n", !!(st.fs_rights_base & __WASI_RIGHTS_FD_READ), !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE), !!(st.fs_rights_base & __WASI_RIGHTS_FD_SEEK));
  __wasi_fd_t ro;
  __wasi_path_open(d2, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &ro);
  __wasi_fd_fdstat_get(ro, &st);
  printf("read-only file read %d write %d\n", !!(st.fs_rights_base & __WASI_RIGHTS_FD_READ), !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  __wasi_fd_close(ro);
  __wasi_fd_close(f);
  __wasi_path_unlink_file(d2, "f");
  __wasi_fd_close(d2);
}

// Rights dropped with fd_fdstat_set_rights are enforced and cannot come back.
static void dropped(void) {
  __wasi_fd_t dir = scratch("scratch"), f;
  __wasi_path_open(dir, 0, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &f);
  __wasi_fdstat_t st;
  __wasi_fd_fdstat_get(f, &st);
  printf("drop read/write: %s\n", err(__wasi_fd_fdstat_set_rights(f, st.fs_rights_base & ~(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE), st.fs_rights_inheriting)));
  char b[4] = "abc";
  __wasi_ciovec_t c = {(const uint8_t *)b, 3};
  __wasi_iovec_t v = {(uint8_t *)b, 3};
  __wasi_size_t n;
  printf("write: %s\n", err(__wasi_fd_write(f, &c, 1, &n)));
  printf("read: %s\n", err(__wasi_fd_read(f, &v, 1, &n)));
  printf("pwrite: %s\n", err(__wasi_fd_pwrite(f, &c, 1, 0, &n)));
  printf("regrant: %s\n", err(__wasi_fd_fdstat_set_rights(f, st.fs_rights_base, st.fs_rights_inheriting)));
  __wasi_fd_close(f);
  __wasi_fdstat_t ds;
  __wasi_fd_fdstat_get(dir, &ds);
  printf("drop path_filestat_set_size: %s\n", err(__wasi_fd_fdstat_set_rights(dir, ds.fs_rights_base & ~__WASI_RIGHTS_PATH_FILESTAT_SET_SIZE, ds.fs_rights_inheriting)));
  printf("open O_TRUNC: %s\n", err(__wasi_path_open(dir, 0, "f", __WASI_OFLAGS_TRUNC, 0, 0, 0, &f)));
  printf("open: %s\n", err(__wasi_path_open(dir, 0, "f", 0, 0, 0, 0, &f)));
  __wasi_path_unlink_file(dir, "f");
}

// A directory fd reached from a named preopen is a capability: no escape by "/", ".." or a symlink.
static void sandbox(void) {
  __wasi_fd_t dir = scratch("scratch"), f, sub;
  __wasi_path_create_directory(dir, "d");
  __wasi_path_open(dir, 0, "d", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &sub);
  __wasi_path_open(sub, 0, "x", __WASI_OFLAGS_CREAT, 0, 0, 0, &f);
  __wasi_fd_close(f);
  printf("absolute path: %s\n", err(__wasi_path_open(sub, 0, "/d/x", 0, 0, 0, 0, &f)));
  printf("dot-dot inside: %s\n", err(__wasi_path_open(sub, 0, "x/../x", 0, 0, 0, 0, &f)));
  printf("dot-dot above the fd: %s\n", err(__wasi_path_open(sub, 0, "../d/x", 0, 0, 0, 0, &f)));
  printf("dot-dot above the preopen: %s\n", err(__wasi_path_open(dir, 0, "..", 0, 0, 0, 0, &f)));
  printf("symlink to an absolute path: %s\n", err(__wasi_path_symlink("/", sub, "abs")));
  printf("symlink climbing out: %s\n", err(__wasi_path_symlink("../d", sub, "up")));
  printf("open through it: %s\n", err(__wasi_path_open(sub, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "up/x", 0, 0, 0, 0, &f)));
  printf("same from the parent: %s\n", err(__wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "d/up/x", 0, 0, 0, 0, &f)));
  __wasi_fd_close(f);
  // Under "/" (fd 3) an absolute symlink target is a guest path, as in a chroot.
  printf("under /: symlink to an absolute path: %s\n", err(__wasi_path_symlink("/scratch/d", 3, "tmp/abs")));
  printf("under /: open through it: %s\n", err(__wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "tmp/abs/x", 0, 0, 0, 0, &f)));
  __wasi_path_unlink_file(sub, "up");
  __wasi_path_unlink_file(sub, "x");
  __wasi_fd_close(sub);
  __wasi_path_remove_directory(dir, "d");
}

// The preopened "/" (fd 3): a capability when it is a host directory given as --dir HOST:/ (as wasmtime's
// --dir HOST::/, how wasi-testsuite runs), a chroot when it is socklab's own virtual root.
static void rootcap(void) {
  __wasi_fd_t root = scratch("/"), sub, f;
  __wasi_path_create_directory(root, "d");
  __wasi_path_open(root, 0, "d", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &sub);
  __wasi_path_open(sub, 0, "x", __WASI_OFLAGS_CREAT, 0, 0, 0, &f);
  __wasi_fd_close(f);
  __wasi_errno_t e = __wasi_path_open(sub, 0, "../d/x", 0, 0, 0, 0, &f);
  printf("dot-dot above the fd: %s\n", err(e));
  if (e == 0) __wasi_fd_close(f);
  e = __wasi_path_open(sub, 0, "../../../d/x", 0, 0, 0, 0, &f);
  printf("dot-dot above /: %s\n", err(e));
  if (e == 0) __wasi_fd_close(f);
  printf("absolute path: %s\n", err(__wasi_path_open(root, 0, "/d/x", 0, 0, 0, 0, &f)));
  e = __wasi_path_symlink("/d", sub, "abs");
  printf("symlink to an absolute path: %s\n", err(e));
  if (e == 0) {
    e = __wasi_path_open(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "d/abs/x", 0, 0, 0, 0, &f);
    printf("open through it: %s\n", err(e));
    if (e == 0) __wasi_fd_close(f);
    __wasi_path_unlink_file(sub, "abs");
  }
  printf("inside: %s\n", err(__wasi_path_open(root, 0, "d/./x", 0, 0, 0, 0, &f)));
  __wasi_fd_close(f);
  __wasi_path_unlink_file(sub, "x");
  __wasi_fd_close(sub);
  printf("remove: %s\n", err(__wasi_path_remove_directory(root, "d")));
}

// Hard links to a symlink itself in socklab's in-memory /tmp, as Linux makes them (gcc, ext4/tmpfs):
// link("dangling", "l") ok with nlink 2, still 1 after unlinking the first name; a loop links too.
static void memlink(void) {
  __wasi_fd_t root = scratch("/");
  __wasi_filestat_t st;
  __wasi_path_symlink("nowhere", root, "tmp/dangling");
  printf("link a dangling symlink: %s\n", err(__wasi_path_link(root, 0, "tmp/dangling", root, "tmp/l")));
  __wasi_path_filestat_get(root, 0, "tmp/l", &st);
  printf("nlink %llu symlink %d\n", (unsigned long long)st.nlink, st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
  __wasi_path_unlink_file(root, "tmp/dangling");
  __wasi_path_filestat_get(root, 0, "tmp/l", &st);
  printf("after unlink nlink %llu\n", (unsigned long long)st.nlink);
  __wasi_path_symlink("loop", root, "tmp/loop");
  printf("link a symlink loop: %s\n", err(__wasi_path_link(root, 0, "tmp/loop", root, "tmp/l2")));
  printf("follow a dangling one: %s\n", err(__wasi_path_link(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "tmp/l", root, "tmp/l3")));
  __wasi_path_rename(root, "tmp/l2", root, "tmp/loop");
  __wasi_path_filestat_get(root, 0, "tmp/loop", &st);
  printf("renamed over its other name: nlink %llu\n", (unsigned long long)st.nlink);
  __wasi_path_unlink_file(root, "tmp/l");
  __wasi_path_unlink_file(root, "tmp/loop");
}

// Calls whose errno departed from Linux (or from WASI where it departs from Linux).
static void errnos(void) {
  __wasi_fd_t dir = scratch("scratch"), f;
  __wasi_filesize_t pos;
  printf("seek on a directory: %s\n", err(__wasi_fd_seek(dir, 0, __WASI_WHENCE_CUR, &pos)));
  printf("tell on a directory: %s\n", err(__wasi_fd_tell(dir, &pos)));
  __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT, 0, 0, 0, &f);
  __wasi_fd_close(f);
  printf("link to a new name with a slash: %s\n", err(__wasi_path_link(dir, 0, "file", dir, "link/")));
  printf("link onto an existing file with a slash: %s\n", err(__wasi_path_link(dir, 0, "file", dir, "file/")));
  printf("symlink to a new name with a slash: %s\n", err(__wasi_path_symlink("file", dir, "sl/")));
  printf("symlink onto an existing file with a slash: %s\n", err(__wasi_path_symlink("file", dir, "file/")));
  __wasi_path_symlink("nowhere", dir, "dangling");
  printf("link following a dangling symlink: %s\n", err(__wasi_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling", dir, "l2")));
  printf("link a symlink itself: %s\n", err(__wasi_path_link(dir, 0, "dangling", dir, "l3")));
  __wasi_path_symlink("file", dir, "good");
  printf("link following a symlink: %s\n", err(__wasi_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "good", dir, "l4")));
  __wasi_filestat_t a, b;
  __wasi_path_filestat_get(dir, 0, "l4", &a);
  __wasi_path_filestat_get(dir, 0, "file", &b);
  printf("l4 is file: %d nlink %llu\n", a.ino == b.ino && a.filetype == __WASI_FILETYPE_REGULAR_FILE, (unsigned long long)b.nlink);
  __wasi_fdstat_t st;
  __wasi_path_open(dir, 0, "file", 0, __WASI_RIGHTS_FD_WRITE, 0, __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_SYNC, &f);
  __wasi_fd_fdstat_get(f, &st);
  printf("fdflags append %d sync %d\n", !!(st.fs_flags & __WASI_FDFLAGS_APPEND), !!(st.fs_flags & __WASI_FDFLAGS_SYNC));
  __wasi_fd_close(f);
  const char *names[] = {"l4", "l3", "good", "dangling", "file"};
  for (int i = 0; i < 5; i++) __wasi_path_unlink_file(dir, names[i]);
}

// Times set to the nanosecond read back the same, on a mounted host directory too; a symlink's own times.
static void times(void) {
  __wasi_fd_t dir = scratch("scratch"), f;
  __wasi_path_open(dir, 0, "file", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &f);
  __wasi_filestat_t s0, s1;
  __wasi_fd_filestat_get(f, &s0);
  printf("set mtim: %s\n", err(__wasi_fd_filestat_set_times(f, 0, s0.mtim - 100, __WASI_FSTFLAGS_MTIM)));
  __wasi_fd_filestat_get(f, &s1);
  printf("mtim exact %d atim kept %d\n", s1.mtim == s0.mtim - 100, s1.atim == s0.atim);
  __wasi_fd_close(f);
  __wasi_path_symlink("file", dir, "sym");
  __wasi_filestat_t ls0, ls, fs0, fs1;
  __wasi_path_filestat_get(dir, 0, "sym", &ls0);
  __wasi_path_filestat_get(dir, 0, "file", &fs0);
  printf("set the symlink's mtim: %s\n", err(__wasi_path_filestat_set_times(dir, 0, "sym", 0, ls0.mtim - 200, __WASI_FSTFLAGS_MTIM)));
  __wasi_path_filestat_get(dir, 0, "sym", &ls);
  __wasi_path_filestat_get(dir, 0, "file", &fs1);
  printf("symlink mtim exact %d file kept %d\n", ls.mtim == ls0.mtim - 200 && ls.filetype == __WASI_FILETYPE_SYMBOLIC_LINK, fs1.mtim == fs0.mtim);
  printf("through it: %s\n", err(__wasi_path_filestat_set_times(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sym", 0, 1000000000123ull, __WASI_FSTFLAGS_MTIM)));
  __wasi_path_filestat_get(dir, 0, "file", &fs1);
  printf("file mtim %llu\n", (unsigned long long)fs1.mtim);
  __wasi_path_unlink_file(dir, "sym");
  __wasi_path_unlink_file(dir, "file");
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  if (!strcmp(argv[1], "rights")) rights();
  else if (!strcmp(argv[1], "dropped")) dropped();
  else if (!strcmp(argv[1], "sandbox")) sandbox();
  else if (!strcmp(argv[1], "errnos")) errnos();
  else if (!strcmp(argv[1], "times")) times();
  else if (!strcmp(argv[1], "rootcap")) rootcap();
  else if (!strcmp(argv[1], "memlink")) memlink();
  else return 2;
  return 0;
}
