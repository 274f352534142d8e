import { isAbsolute, join } from 'node:path';
import type { XportError } from '@xport/provider-sdk';
import { readCredentialFile, type CredentialTable } from './credential-file.js';
import { toEnvCredentialName } from './env-credential-name.js';

export interface CredentialServiceOptions {
  readonly root: string;
  /** Values registered with `createKernel({ credentials })`; searched first. */
  readonly programmatic: CredentialTable;
  /** The environment, or undefined when `credentials.env` is off. */
  readonly env: NodeJS.ProcessEnv | undefined;
  /** `credentials.file` from the configuration, relative to the root. */
  readonly file: string;
  /** Called with every value a source yields, so loggers can redact it. */
  readonly onValue: (value: string) => void;
}

export interface CredentialLookup {
  readonly value: string | undefined;
  /** Sources searched, described without values, for `XPORT_CREDENTIAL_MISSING` messages. */
  readonly searched: readonly string[];
}

/**
 * The kernel's credential sources, combined: programmatic values, then environment variables, then
 * the credentials file; the first that has a value wins. `refresh()` re-reads the file (called before
 * each logon, so a rotated secret is picked up without a restart).
 */
export class CredentialService {
  readonly filePath: string;
  private file: CredentialTable | undefined;
  private fileProblem: XportError | undefined;

  constructor(private readonly options: CredentialServiceOptions) {
    this.filePath = isAbsolute(options.file) ? options.file : join(options.root, options.file);
    for (const names of Object.values(options.programmatic)) for (const value of Object.values(names)) options.onValue(value);
  }

  /** Re-reads the credentials file. Returns the refusal, if any; the other sources still work. */
  async refresh(): Promise<XportError | undefined> {
    try {
      this.file = await readCredentialFile(this.filePath);
      this.fileProblem = undefined;
      for (const names of Object.values(this.file ?? {})) for (const value of Object.values(names)) this.options.onValue(value);
    } catch (error) {
      this.file = undefined;
      this.fileProblem = error as XportError;
    }
    return this.fileProblem;
  }

  lookup(providerId: string, name: string): CredentialLookup {
    const searched: string[] = [];
    const own = <T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined =>
      table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
    const programmatic = own(own(this.options.programmatic, providerId), name);
    searched.push('createKernel({ credentials })');
    if (programmatic !== undefined) return { value: programmatic, searched };
    if (this.options.env !== undefined) {
      const variable = toEnvCredentialName(providerId, name);
      searched.push(`environment variable ${variable}`);
      const value = this.options.env[variable];
      if (value !== undefined && value !== '') {
        this.options.onValue(value);
        return { value, searched };
      }
    }
    searched.push(this.fileProblem ? `credentials file ${this.filePath} (refused: ${this.fileProblem.code})` : `credentials file ${this.filePath}`);
    return { value: own(own(this.file, providerId), name), searched };
  }
}
