import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Whether a process with this pid runs (one of another user counts too). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One local runtime per data directory: the embedded store's files cannot be shared by two processes.
 * The lock file holds the owner's pid; a lock left by a process that died (`kill -9`, a crash) is taken
 * over. Throws an error whose message is the one line to show when another runtime holds it.
 */
export async function acquireDataDirLock(dataDir: string): Promise<{ release: () => Promise<void> }> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'runtime.lock');
  const mine = String(process.pid);
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
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
      throw new Error(
        `Another Operator Bridge (pid ${owner}) is running on ${dataDir}: stop it first, or give this one its own DATA_DIR`,
      );
    }
    // Stale: its owner is gone. Remove it and try again, so that two starting runtimes cannot both win.
    await rm(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}: remove it if no Operator Bridge is running`);
}
