// Process credentials as Linux keeps them (kernel/sys.c, kernel/groups.c):
// real, effective and saved uid and gid, and the supplementary groups.
// Every process starts as a root shell in a container has it (all 0, no
// groups); fork copies them, execve keeps them (socklab has no set-id
// files). "Privileged" is euid 0: socklab has no capabilities, and Linux
// drops CAP_SETUID/CAP_SETGID when the euid leaves 0.
/** Linux's NGROUPS_MAX. */
export const NGROUPS_MAX = 65536;

export class Creds {
  ruid = 0;
  euid = 0;
  suid = 0;
  rgid = 0;
  egid = 0;
  sgid = 0;
  groups: readonly number[] = [];
  clone(): Creds {
    return Object.assign(new Creds(), this);
  }
  get privileged(): boolean {
    return this.euid === 0;
  }
}

/** Linux's kill_ok_by_cred: the sender's real or effective uid is the target's real or saved uid, or the sender is privileged. */
export function mayKill(from: Creds, to: Creds): boolean {
  return from.privileged || from.euid === to.suid || from.euid === to.ruid || from.ruid === to.suid || from.ruid === to.ruid;
}
