/**
 * Every error code xport raises, with what it means. Codes are public API: they never change meaning,
 * and `docs/errors.md` is checked against this table by a test.
 */
export const ERROR_CODES = {
  XPORT_ADDRESS_INVALID: 'A recipient address could not be parsed or breaks a rule of its address type.',
  XPORT_MESSAGE_INVALID: 'A submitted message breaks a rule (header characters, size, missing recipients).',
  XPORT_MESSAGE_REJECTED: 'An outbound hook rejected a submitted message (or threw); nothing was queued.',
  XPORT_MANIFEST_INVALID: 'A provider package\'s "xport" manifest does not match the manifest schema.',
  XPORT_MANIFEST_UNREADABLE: 'A provider package.json could not be read or parsed, or is too large or too deep.',
  XPORT_KERNEL_INCOMPATIBLE: 'A provider\'s manifest "kernel" range does not include this kernel\'s API version.',
  XPORT_PROVIDER_DUPLICATE_ID: 'Two provider packages declare the same provider id.',
  XPORT_ADDRESS_TYPE_CONFLICT: 'Two transports claim an address type and transportOrder does not order them.',
  XPORT_PROVIDER_ENTRY_MISSING: 'A provider\'s manifest entry does not resolve to a file inside its package.',
  XPORT_PROVIDER_IMPORT_FAILED: 'Importing a provider\'s entry module threw, or it exports no provider.',
  XPORT_PROVIDER_CONFIG_INVALID: 'A provider\'s configuration does not match its manifest configSchema.',
  XPORT_PROVIDER_NOT_FOUND: 'A provider named in configuration was not found.',
  XPORT_PROVIDER_START_FAILED: 'A provider threw while starting.',
  XPORT_LOGON_FAILED: 'A provider rejected its credentials at logon.',
  XPORT_PROVIDER_UNAVAILABLE: 'A provider cannot be reached now (network, remote server down); its work waits.',
  XPORT_CREDENTIAL_MISSING: 'A required credential is not present in any credential source.',
  XPORT_CREDENTIAL_FILE_REFUSED: 'The credentials file is readable by group or others (chmod 600 it), or is not valid JSON of the expected shape.',
  XPORT_CREDENTIAL_UNDECLARED: 'A provider asked for a credential its manifest does not declare.',
  XPORT_CONFIG_INVALID: 'xport.config.json is unreadable or does not match the configuration schema.',
  XPORT_STORE_NOT_CONFIGURED: 'No message store is configured or available.',
  XPORT_STORE_STALE_LEASE: 'A claim was completed after its lease expired and the recipient was claimed again.',
  XPORT_STORE_NOT_FOUND: 'A message, inbox entry or content part does not exist in the store.',
  XPORT_STORE_IN_FLIGHT: 'A message cannot be aborted because a recipient is being sent right now.',
  XPORT_STORE_SCHEMA_NEWER: 'The store was written by a newer xport schema than this version understands.',
  XPORT_STORE_UNAVAILABLE: 'The store cannot accept writes (disk full, read-only, connection lost).',
  XPORT_STORE_CORRUPT_RECORD: 'A stored record could not be decoded and was quarantined.',
  XPORT_KERNEL_STOPPED: 'The kernel is stopped or stopping and accepts no new work.',
  XPORT_TEST_DEPENDENCY_MISSING: 'A test kit of @xport/provider-sdk/testing needs a package the project has not installed (@xport/core, @xport/store-memory).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
