import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A JSON document kept in a folder so local state survives a restart; a no-op without a folder. */
export interface JsonFile<T> {
  load(): T | undefined;
  save(value: T): void;
}

export function jsonFile<T>(dir: string | undefined, name: string): JsonFile<T> {
  if (!dir) return { load: () => undefined, save: () => undefined };
  const path = join(dir, name);
  return {
    load() {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as T;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    save(value) {
      mkdirSync(dir, { recursive: true });
      // Write then rename: a crash mid-write must not leave half a file that breaks the next start.
      writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
      renameSync(`${path}.tmp`, path);
    },
  };
}
