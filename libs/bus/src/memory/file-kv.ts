import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { ExgateError, errorMessage } from '@exgate/errors';
import type { KeyValueStore, Unsubscribe } from '../ports';

type Watcher = (key: string, value: string | undefined) => void;

/** One file's contents, shared by every handle opened on it in this process. */
interface FileState {
  readonly file: string;
  readonly data: Map<string, string>;
  readonly watchers: Set<Watcher>;
  /** Writes run one after another; each one writes the whole map as it is then. */
  writes: Promise<void>;
  handles: number;
}

const openFiles = new Map<string, Promise<FileState>>();

/**
 * The KV store of the embedded mode: a JSON object in a file, rewritten whole on every change
 * through a temporary file and a rename, so a crash leaves the old or the new contents, never a
 * torn file. Handles opened on the same path share one state, so two services of one process
 * cannot overwrite each other's keys. Watchers see changes once they are on disk.
 */
export class FileKeyValueStore implements KeyValueStore {
  private readonly mine = new Set<Watcher>();
  private closed = false;

  private constructor(private readonly state: FileState) {}

  static async open(file: string): Promise<FileKeyValueStore> {
    const resolved = path.resolve(file);
    let loading = openFiles.get(resolved);
    if (!loading) {
      loading = load(resolved);
      openFiles.set(resolved, loading);
      loading.catch(() => openFiles.delete(resolved));
    }
    const state = await loading;
    state.handles++;
    return new FileKeyValueStore(state);
  }

  async get(key: string): Promise<string | undefined> {
    return this.state.data.get(key);
  }

  async put(key: string, value: string): Promise<void> {
    this.state.data.set(key, value);
    await this.persist(key, value);
  }

  async delete(key: string): Promise<boolean> {
    if (!this.state.data.delete(key)) return false;
    await this.persist(key, undefined);
    return true;
  }

  async entries(): Promise<ReadonlyMap<string, string>> {
    return new Map(this.state.data);
  }

  async watch(handler: Watcher): Promise<Unsubscribe> {
    const watcher: Watcher = (key, value) => handler(key, value);
    this.mine.add(watcher);
    this.state.watchers.add(watcher);
    return () => {
      this.mine.delete(watcher);
      this.state.watchers.delete(watcher);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.mine) this.state.watchers.delete(w);
    this.mine.clear();
    await this.state.writes;
    if (--this.state.handles === 0) openFiles.delete(this.state.file);
  }

  private async persist(key: string, value: string | undefined): Promise<void> {
    const state = this.state;
    const write = state.writes.then(() => writeAtomically(state.file, JSON.stringify(Object.fromEntries(state.data), null, 1)));
    // A failed write must not poison later ones; the caller of this one sees its error.
    state.writes = write.catch(() => {});
    await write;
    for (const watcher of [...state.watchers]) watcher(key, value);
  }
}

async function load(file: string): Promise<FileState> {
  let data = new Map<string, string>();
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    data = new Map(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ExgateError('CONFIG_INVALID', `cannot read the key-value file ${file}: ${errorMessage(e)}`, { cause: e });
    }
  }
  return { file, data, watchers: new Set(), writes: Promise.resolve(), handles: 0 };
}

async function writeAtomically(file: string, contents: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
