import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { XportError } from '@xport/provider-sdk';
import { findJsonShapeProblem } from '../json/safe-json.js';
import { findUnsafeCredentialPath } from './credential-path-safety.js';

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

/** Reads at most `limit` + 1 bytes: enough to tell a file over the limit without holding it whole. */
async function readUpTo(handle: FileHandle, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total <= limit) {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks);
}

/**
 * Reads the credentials file, or returns undefined when it does not exist. A file another user
 * could read or replace is refused (`XPORT_CREDENTIAL_FILE_REFUSED`, naming why and the fix), like
 * ssh refuses such a key: see {@link findUnsafeCredentialPath}. The checks run on the opened file,
 * so the file checked is the file read. Error messages never include a value from the file.
 */
export async function readCredentialFile(path: string): Promise<CredentialTable | undefined> {
  let handle: FileHandle;
  try {
    // Non-blocking: a FIFO put in the file's place must be refused, not waited on.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw refused(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const info = await handle.stat();
    // Windows has no owner uid or mode bits to check; its ACLs are the operator's to set.
    const uid = process.platform === 'win32' ? undefined : process.geteuid?.();
    const unsafe = uid === undefined ? undefined : await findUnsafeCredentialPath(path, info, uid);
    if (unsafe !== undefined) throw refused(path, unsafe);
    const bytes = await readUpTo(handle, MAX_CREDENTIAL_FILE_BYTES);
    if (bytes.length > MAX_CREDENTIAL_FILE_BYTES) throw refused(path, `is larger than ${MAX_CREDENTIAL_FILE_BYTES} bytes`);
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      // JSON.parse's message can quote file content: keep it out.
      throw refused(path, 'is not valid JSON');
    }
    return toTable(path, value);
  } finally {
    await handle.close();
  }
}
