import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Directories: this user only. */
const DIRECTORY_MODE = 0o700;
/** Files: this user only, and not executable. */
const FILE_MODE = 0o600;

/** Every directory and file under `dir` to the private modes; symbolic links are left alone, never followed. */
async function restrictTree(dir: string): Promise<void> {
  await chmod(dir, DIRECTORY_MODE);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await restrictTree(path);
    else if (entry.isFile()) await chmod(path, FILE_MODE);
  }
}

/**
 * Keeps a data directory private to the user who runs the bridge (PRODUCT.md section 4): it holds the
 * store's files (every transcript, the platform secrets) and `local-stack.json` (the tokens). Creates it
 * 0700, brings what is already there to 0700 directories and 0600 files (a directory made by an older
 * version was 0755/0644), and sets this process's umask so that every file the store writes from now on
 * (LevelDB keeps writing new ones) is born private too.
 */
export async function keepDataDirPrivate(dataDir: string): Promise<void> {
  process.umask(0o077);
  await mkdir(dataDir, { recursive: true, mode: DIRECTORY_MODE });
  await restrictTree(dataDir);
}
