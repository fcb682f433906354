// Files that a crash must never leave half-written (connections, run manifests, reports, plans).
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Makes a rename (or a new file) in `dir` durable: fsync of the folder itself. Where a folder
 * cannot be opened or synced (Windows), the file system gives no other way: skipped.
 */
export async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw err;
  } finally {
    await handle.close();
  }
}

/**
 * Fills a new file beside `path` and renames it over `path` once complete and on disk, so
 * that readers see the old or the new content, never a mix. The new file is created here and
 * now ('wx': never an existing file or a link planted in its place); whatever is at `path`,
 * a symbolic link included, is replaced, never written through. A failure leaves `path` as
 * it was and no temporary file.
 */
export async function writeAtomic(path: string, fill: (handle: FileHandle) => Promise<void>, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.chmod(mode); // whatever the umask
    await fill(handle);
    await handle.sync();
    await handle.close();
    await rename(tmp, path);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  // The rename is only durable once the folder's entry is on disk.
  await syncFolder(dirname(path));
}

/** Writes a whole text atomically (writeAtomic), creating its folder when needed (mode 0600 unless told). */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeAtomic(path, (handle) => handle.writeFile(text), mode);
}
