import { stat } from 'node:fs/promises';
import { XportError } from '@xport/provider-sdk';
import { findJsonShapeProblem, readBoundedJson } from '../json/safe-json.js';

/** `{ "<provider id>": { "<credential name>": "value" } }` */
export type CredentialTable = Readonly<Record<string, Readonly<Record<string, string>>>>;

const MAX_CREDENTIAL_FILE_BYTES = 1024 * 1024;

function refused(path: string, why: string): XportError {
  return new XportError('XPORT_CREDENTIAL_FILE_REFUSED', `credentials file ${path} ${why}`, { details: { path } });
}

function toTable(path: string, value: unknown): CredentialTable {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refused(path, 'must be a JSON object of provider ids');
  const shape = findJsonShapeProblem(value, 3);
  if (shape) throw refused(path, `field ${shape.path} ${shape.reason}`);
  for (const [id, names] of Object.entries(value)) {
    if (typeof names !== 'object' || names === null || Array.isArray(names)) throw refused(path, `field /${id} must be an object of credential names`);
    for (const [name, secret] of Object.entries(names)) {
      if (typeof secret !== 'string') throw refused(path, `field /${id}/${name} must be a string`);
    }
  }
  return value as CredentialTable;
}

/**
 * Reads the credentials file, or returns undefined when it does not exist. A file that group or
 * others may read is refused (`XPORT_CREDENTIAL_FILE_REFUSED`), like ssh refuses a readable key.
 * Error messages never include a value from the file.
 */
export async function readCredentialFile(path: string): Promise<CredentialTable | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw refused(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw refused(path, `is readable by group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${path}`);
  }
  const read = await readBoundedJson(path, MAX_CREDENTIAL_FILE_BYTES);
  // readBoundedJson's reason may quote JSON.parse's message, which can echo file content: keep it out.
  if (!read.ok) throw refused(path, read.missing ? 'disappeared while being read' : 'is not valid JSON or is too large');
  return toTable(path, read.value);
}
