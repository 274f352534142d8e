import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { XportError } from '@xport/provider-sdk';

/**
 * Reads TLS material given in config either inline (a PEM string) or as a file path, which is
 * resolved from the application root.
 */
export async function loadPem(value: string, field: string, appRoot: string): Promise<string> {
  if (value.includes('-----BEGIN ')) return value;
  const path = isAbsolute(value) ? value : resolve(appRoot, value);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new XportError('XPORT_PROVIDER_CONFIG_INVALID', `provider "smtp": config field ${field} must be a PEM string or a readable file (could not read ${path}: ${(error as Error).message})`, {
      details: { provider: 'smtp', field, path },
    });
  }
}
