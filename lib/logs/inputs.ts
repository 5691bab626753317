import * as fs from 'fs';
import * as path from 'path';

/** One input to read: a file, or standard input. */
export interface InputSource {
  /** The path as the user gave it (or found by walking a directory); `-` for standard input. */
  readonly path: string;
  /** Size in bytes (0 for standard input). */
  readonly size: number;
}

const DATA_FILE = /\.(json|jsonl|ndjson|log|txt)(\.gz)?$|\.gz$/i;

/**
 * Expands paths into input files: directories are walked recursively (the S3 layout
 * AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/...), in sorted order so runs are reproducible.
 * Throws with the path when a path does not exist.
 */
export async function listInputs(paths: readonly string[]): Promise<InputSource[]> {
  const out: InputSource[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ path: '-', size: 0 });
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(p);
    } catch {
      throw new Error(`cannot read '${p}': no such file or directory`);
    }
    if (stat.isDirectory()) await walk(p, out);
    else out.push({ path: p, size: stat.size });
  }
  return out;
}

async function walk(dir: string, out: InputSource[]): Promise<void> {
  const entries = await fs.promises.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {await walk(full, out);} else if (e.isFile() && DATA_FILE.test(e.name) && !e.name.startsWith('.')) {
      out.push({ path: full, size: (await fs.promises.stat(full)).size });
    }
  }
}
