import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Who holds the lock: a process is named by its pid and its start time, since pids are reused. */
interface LockOwner {
  pid: number;
  /** Clock ticks after boot when the process started (`/proc/PID/stat`, field 22); Linux only. */
  startTime?: string;
  /** The boot the start time counts from (`/proc/sys/kernel/random/boot_id`). */
  bootId?: string;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * State and start time of a process from `/proc/PID/stat`, or undefined where there is no such
 * process or no `/proc` (macOS). The command name, field 2, is in parentheses and may hold spaces and
 * parentheses itself, so fields are counted from the last `)`.
 */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, startTime] = [fields[0], fields[19]];
  return state && startTime ? { state, startTime } : undefined;
}

const hasProc = procStat(process.pid) !== undefined;

function me(): LockOwner {
  return {
    pid: process.pid,
    ...(hasProc && {
      startTime: procStat(process.pid)?.startTime,
      bootId: readProc('/proc/sys/kernel/random/boot_id'),
    }),
  };
}

/** The lock file's owner: JSON, or a bare pid as versions before the start time wrote it. */
function parseOwner(text: string): LockOwner | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const owner = JSON.parse(trimmed) as LockOwner;
    return Number.isInteger(owner.pid) && owner.pid > 0 ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock's owner still runs. Where `/proc` exists: a process that is gone, a zombie (`Z`, killed
 * but not reaped: `kill(pid, 0)` still succeeds for it, as in a container whose PID 1 does not reap) or a
 * dead one (`X`) does not hold it, nor does a different process that got the same pid (another start
 * time, or another boot). Elsewhere only whether the pid exists (one of another user counts too).
 */
function isAlive(owner: LockOwner): boolean {
  if (hasProc) {
    const stat = procStat(owner.pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
    if (owner.bootId && owner.bootId !== readProc('/proc/sys/kernel/random/boot_id')) return false;
    return owner.startTime === undefined || owner.startTime === stat.startTime;
  }
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One local runtime per data directory: the embedded store's files cannot be shared by two processes.
 * The lock file names its owner (pid and start time); a lock whose owner died (`kill -9`, a crash, a
 * zombie nobody reaps, a pid since reused) is taken over. Throws an error whose message is the one
 * line to show when another runtime holds it.
 */
export async function acquireDataDirLock(dataDir: string): Promise<{ release: () => Promise<void> }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'runtime.lock');
  const mine = JSON.stringify(me());
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, `${mine}\n`, { flag: 'wx', mode: 0o600 });
      return {
        release: async () => {
          if ((await readFile(file, 'utf8').catch(() => '')).trim() === mine) await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = parseOwner(await readFile(file, 'utf8').catch(() => ''));
    if (owner && owner.pid !== process.pid && isAlive(owner)) {
      throw new Error(
        `Another Operator Bridge (pid ${owner.pid}) is running on ${dataDir}: stop it first, or give this one its own DATA_DIR`,
      );
    }
    // Stale: its owner is gone. Remove it and try again, so that two starting runtimes cannot both win.
    await rm(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}: remove it if no Operator Bridge is running`);
}
