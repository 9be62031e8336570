// /etc/passwd and /etc/group as on a Debian 12 base system (base-passwd's
// content): every virtual host has them (guests' getpwnam and kin read them,
// guest/c/src/pwd.c), unless a mount provides /etc. Never the machine's own
// files, so lookups are the same everywhere, on --net=real too.
import { FsSpace, MemDir, MemFile, type Vfs } from './memfs.js';

export const ETC_PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
  'sys:x:3:3:sys:/dev:/usr/sbin/nologin',
  'sync:x:4:65534:sync:/bin:/bin/sync',
  'games:x:5:60:games:/usr/games:/usr/sbin/nologin',
  'man:x:6:12:man:/var/cache/man:/usr/sbin/nologin',
  'lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin',
  'mail:x:8:8:mail:/var/mail:/usr/sbin/nologin',
  'news:x:9:9:news:/var/spool/news:/usr/sbin/nologin',
  'uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin',
  'proxy:x:13:13:proxy:/bin:/usr/sbin/nologin',
  'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
  'backup:x:34:34:backup:/var/backups:/usr/sbin/nologin',
  'list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin',
  'irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin',
  '_apt:x:42:65534::/nonexistent:/usr/sbin/nologin',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
].join('\n') + '\n';

export const ETC_GROUP = [
  'root:x:0:',
  'daemon:x:1:',
  'bin:x:2:',
  'sys:x:3:',
  'adm:x:4:',
  'tty:x:5:',
  'disk:x:6:',
  'lp:x:7:',
  'mail:x:8:',
  'news:x:9:',
  'uucp:x:10:',
  'man:x:12:',
  'proxy:x:13:',
  'kmem:x:15:',
  'dialout:x:20:',
  'fax:x:21:',
  'voice:x:22:',
  'cdrom:x:24:',
  'floppy:x:25:',
  'tape:x:26:',
  'sudo:x:27:',
  'audio:x:29:',
  'dip:x:30:',
  'www-data:x:33:',
  'backup:x:34:',
  'operator:x:37:',
  'list:x:38:',
  'irc:x:39:',
  'src:x:40:',
  'shadow:x:42:',
  'utmp:x:43:',
  'video:x:44:',
  'sasl:x:45:',
  'plugdev:x:46:',
  'staff:x:50:',
  'games:x:60:',
  'users:x:100:',
  'nogroup:x:65534:',
].join('\n') + '\n';

/** Writes /etc/passwd and /etc/group into a host's filesystem, unless a mount already provides /etc (or the file). */
export function installEtcUsers(vfs: Vfs): void {
  let etc = vfs.root.entries.get('etc');
  if (!etc) vfs.root.entries.set('etc', (etc = new MemDir(vfs.times(), vfs.root)));
  if (!(etc instanceof MemDir)) return;
  for (const [name, text] of [['passwd', ETC_PASSWD], ['group', ETC_GROUP]] as const) {
    if (etc.entries.has(name)) continue;
    // Its own space, as /etc/hosts's: --max-fs counts what the guests write, not this.
    const data = new TextEncoder().encode(text);
    const f = new MemFile(vfs.times(), new FsSpace(1 << 20));
    f.write(data, 0);
    etc.entries.set(name, f);
  }
}
