// AF_UNIX ancillary data as it travels with a message (Linux's struct
// scm_cookie / UNIXCB(skb)): descriptors in flight (SCM_RIGHTS) and the
// sender's credentials (SCM_CREDENTIALS). A description in flight holds one
// reference per copy, as the fd table does (host/kernel/fdtable.ts), so it
// stays open while the message is queued and closes with the message when
// the message is dropped unread.
import type { OpenFile } from '../../kernel/file.js';

/** struct ucred. */
export interface Cred {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/** What a sendmsg asks to send along: the descriptions named by SCM_RIGHTS, explicit SCM_CREDENTIALS, and the sender's own credentials. */
export interface SendControl {
  files: OpenFile[];
  cred: Cred | undefined;
  self: Cred;
}

/** Ancillary data attached to one queued message (or stream chunk). */
export interface Scm {
  /** Descriptions in flight, one reference each; detached (undefined) once a receiver took them. */
  files: OpenFile[] | undefined;
  /** The credentials the message carries (undefined: none were attached). */
  cred: Cred | undefined;
}

/** Linux's SCM_MAX_FD. */
export const SCM_MAX_FD = 253;
/** What a receiver with SO_PASSCRED sees for a message sent without credentials: no pid, overflowuid/overflowgid. */
export const NO_CRED: Cred = { pid: 0, uid: 65534, gid: 65534 };
/** SO_PEERCRED of a socket with no peer credentials: pid 0, uid and gid -1. */
export const UNKNOWN_CRED: Cred = { pid: 0, uid: -1, gid: -1 };

/**
 * The ancillary data a message from `sender` to `receiver` carries
 * (unix_scm_to_skb + maybe_add_creds): the files (each one more reference),
 * when `withFiles`; the explicit credentials, else the sender's own when
 * either end has SO_PASSCRED. Undefined when there is nothing to attach.
 */
export function attachScm(ctl: SendControl | undefined, withFiles: boolean, senderPasscred: boolean, receiverPasscred: boolean): Scm | undefined {
  if (!ctl) return undefined;
  const files = withFiles && ctl.files.length ? ctl.files.slice() : undefined;
  const cred = ctl.cred ?? (senderPasscred || receiverPasscred ? ctl.self : undefined);
  if (!files && !cred) return undefined;
  if (files) for (const f of files) f.refs++;
  return { files, cred };
}

/** Releases the in-flight references of a message's files (the message is dropped, or its files were installed). */
export function dropScm(scm: Scm | undefined): void {
  const files = scm?.files;
  if (!files) return;
  scm.files = undefined;
  for (const f of files) releaseFile(f);
}

/** One reference less; the description closes with its last. */
export function releaseFile(f: OpenFile): void {
  if (--f.refs === 0) f.close();
}

/** Messages glue in one stream read only when their credentials agree (unix_skb_scm_eq). */
export function sameCred(a: Cred | undefined, b: Cred | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.pid === b.pid && a.uid === b.uid && a.gid === b.gid;
}
