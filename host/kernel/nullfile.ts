// Linux's /dev/null (char 1:3): reads are at EOF, writes are taken whole
// and dropped, always ready. socklab's guest filesystem has no /dev, so the
// SDK's daemon(3) opens this one through socklab.open_devnull (proccalls.ts).
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLIN, POLLOUT, type FileStat, type OpenFile } from './file.js';
import { WaitQueue } from './wait.js';

/** Where Linux's devtmpfs has it (dev 5, inode 4 on a typical machine): WASI's filestat carries no st_rdev. */
const NULL_DEV = 5n;
const NULL_INO = 4n;

export class NullFile implements OpenFile {
  readonly waitq = new WaitQueue();
  readonly filetype = FileType.CharacterDevice;
  nonblock = false;
  append = false;
  refs = 0;
  /** The open's access mode (O_RDONLY, O_WRONLY, O_RDWR). */
  constructor(
    readonly readable = true,
    readonly writable = true,
  ) {}
  describe(): string {
    // strace -yy: the path, then the device.
    return '/dev/null<char 1:3>';
  }
  poll(): number {
    return POLLIN | POLLOUT;
  }
  read(): number {
    if (!this.readable) throw new Errno(E.EBADF);
    return 0;
  }
  write(iovs: Uint8Array[]): number {
    if (!this.writable) throw new Errno(E.EBADF);
    let n = 0;
    for (const v of iovs) n += v.length;
    return n;
  }
  seek(): bigint {
    // Linux's null_lseek: the position is always 0.
    return 0n;
  }
  stat(): FileStat {
    return { dev: NULL_DEV, ino: NULL_INO, filetype: FileType.CharacterDevice, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
  }
  close(): void {}
}
