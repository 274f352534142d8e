import { isAbsolute, join } from 'node:path';
import { XportError } from '@xport/provider-sdk';
import { readCredentialFile, type CredentialTable } from './credential-file.js';
import { toEnvCredentialName, toRenamedEnvCredentialNames } from './env-credential-name.js';

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
  /** Called once per credential whose variable is set under an old name (`XPORT_CREDENTIAL_ENV_RENAMED`), so it can be logged. */
  readonly onRenamedVariable?: (warning: XportError) => void;
}

/** An environment variable set under a name xport no longer reads, and the name to use instead. */
export interface RenamedVariable {
  readonly from: string;
  readonly to: string;
}

export interface CredentialLookup {
  readonly value: string | undefined;
  /** Sources searched, described without values, for `XPORT_CREDENTIAL_MISSING` messages. */
  readonly searched: readonly string[];
  /** Set when the current variable is unset but an old-form one is: its value is not used. */
  readonly renamed?: RenamedVariable;
}

/** `XPORT_CREDENTIAL_ENV_RENAMED`: names the old variable and the one to set instead — never the value. */
export function toRenamedVariableError(providerId: string, name: string, renamed: RenamedVariable): XportError {
  return new XportError(
    'XPORT_CREDENTIAL_ENV_RENAMED',
    `provider "${providerId}" credential "${name}": environment variable ${renamed.from} is set, but xport no longer reads that name; its value is not used. Rename it to ${renamed.to}`,
    { details: { provider: providerId, credential: name, variable: renamed.from, expected: renamed.to } },
  );
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
  private readonly reportedRenames = new Set<string>();

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
    let renamed: RenamedVariable | undefined;
    if (this.options.env !== undefined) {
      const variable = toEnvCredentialName(providerId, name);
      const value = this.options.env[variable];
      if (value !== undefined && value !== '') {
        searched.push(`environment variable ${variable}`);
        this.options.onValue(value);
        return { value, searched };
      }
      renamed = this.findRenamed(providerId, name, variable);
      searched.push(renamed ? `environment variable ${variable} (${renamed.from} is set but is an old name, not read: rename it to ${variable})` : `environment variable ${variable}`);
    }
    searched.push(this.fileProblem ? `credentials file ${this.filePath} (refused: ${this.fileProblem.code})` : `credentials file ${this.filePath}`);
    const value = own(own(this.file, providerId), name);
    return renamed ? { value, searched, renamed } : { value, searched };
  }

  /** An old-form variable that is set while the current one is not; reported once per credential. */
  private findRenamed(providerId: string, name: string, variable: string): RenamedVariable | undefined {
    const env = this.options.env ?? {};
    for (const from of toRenamedEnvCredentialNames(providerId, name)) {
      const value = env[from];
      if (value === undefined || value === '') continue;
      // Not used, but a secret all the same: keep it out of every log line.
      this.options.onValue(value);
      const renamed = { from, to: variable };
      // Per old and new name: one old variable may be the old name of two credentials.
      const key = `${from} ${variable}`;
      if (!this.reportedRenames.has(key)) {
        this.reportedRenames.add(key);
        this.options.onRenamedVariable?.(toRenamedVariableError(providerId, name, renamed));
      }
      return renamed;
    }
    return undefined;
  }
}
