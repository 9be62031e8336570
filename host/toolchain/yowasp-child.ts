// The child process of limited.ts's runYowasp: runs one @yowasp/clang command
// on the file tree it is sent and sends back the files, its output and its
// exit code, then exits. Killed by the parent at the time or memory limit.
import type { YowaspRun } from './limited.js';

type Tree = { [name: string]: Tree | string | Uint8Array };

process.once('message', (m: { command: string; args: string[]; tree: Tree }) => {
  void (async () => {
    const { commands } = (await import('@yowasp/clang')) as unknown as { commands: Record<string, (a: string[] | null, t: Tree, o: object) => Promise<Tree | undefined>> };
    const run = commands[m.command];
    if (!run) return void process.send!({ stdout: '', stderr: '', error: `no command ${m.command}` } satisfies YowaspRun);
    let stdout = '';
    let stderr = '';
    const dec = new TextDecoder();
    const opts = {
      fetchProgress: () => {},
      stdout: (b: Uint8Array | null) => { if (b) stdout += dec.decode(b); },
      stderr: (b: Uint8Array | null) => { if (b) stderr += dec.decode(b, { stream: true }); },
    };
    let reply: YowaspRun;
    try {
      reply = { files: (await run(m.args, m.tree, opts)) ?? {}, stdout, stderr };
    } catch (e) {
      const code = (e as { code?: number }).code;
      reply = code !== undefined ? { code, stdout, stderr } : { stdout, stderr, error: String((e as Error).message) };
    }
    process.send!(reply, () => process.exit(0));
  })();
});
