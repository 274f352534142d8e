import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { walkTokens, type Tokens } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, createKernel, type XportConfigInput } from '@xport/core';
import type { Logger } from '@xport/provider-sdk';
import { createE2eApp, type E2eApp } from '../e2e/test-app.js';
import { userPages } from './user-pages.js';

// The JSON the docs show is what a user copies: each xport.config.json example is validated by the
// kernel (its keys, and each provider's `config` against that provider's manifest), each manifest
// example by the kernel's discovery, as if it were installed.

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };
const CONFIG_KEYS = Object.keys(configSchema.properties);
// What discovery says about a manifest example (not its missing entry file: the example has no code).
const MANIFEST_PROBLEMS = ['XPORT_MANIFEST_INVALID', 'XPORT_MANIFEST_UNREADABLE', 'XPORT_KERNEL_INCOMPATIBLE', 'XPORT_PROVIDER_CONFIG_INVALID'];

interface JsonExample {
  readonly page: string;
  readonly value: Record<string, unknown>;
}

function jsonExamples(): JsonExample[] {
  const found: JsonExample[] = [];
  for (const page of userPages()) {
    walkTokens(page.tokens, (token) => {
      if (token.type !== 'code' || (token as Tokens.Code).lang !== 'json') return;
      const text = (token as Tokens.Code).text;
      // A fragment (`"configSchema": { … }`) is shown as it sits inside a bigger object.
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = JSON.parse(`{${text}}`);
      }
      found.push({ page: page.name, value: value as Record<string, unknown> });
    });
  }
  return found;
}

const isManifestPackage = (e: JsonExample) => 'xport' in e.value;
// A response such as `GET /v1/providers` has config-like keys; in a config, `providers` is an object by id.
const isConfig = (e: JsonExample) => Object.keys(e.value).every((key) => CONFIG_KEYS.includes(key)) && !Array.isArray(e.value['providers']);

describe('JSON examples in the docs', () => {
  let app: E2eApp;
  beforeAll(async () => {
    // The providers that come with xport, installed as an application would: their manifests validate the examples' `config`.
    app = await createE2eApp(['provider-smtp', 'provider-loopback', 'store-sqlite', 'store-postgres'], {});
  });
  afterAll(async () => app?.cleanup());

  it('each parses, and each is an xport.config.json, a package.json with a manifest, or a message', () => {
    const examples = jsonExamples();
    expect(examples.filter(isConfig).length).toBeGreaterThan(5);
    expect(examples.filter(isManifestPackage).length).toBeGreaterThanOrEqual(3);
  });

  it('every xport.config.json example is valid, and so is each provider config in it', async () => {
    const problems: string[] = [];
    for (const example of jsonExamples().filter(isConfig)) {
      const report = await createKernel({ root: app.root, config: example.value as XportConfigInput, env: {}, logger: silent }).discover();
      for (const e of report.configErrors) problems.push(`${example.page}: ${e.code}: ${e.message}`);
      for (const p of report.providers) {
        for (const e of p.errors.filter((e) => e.code === 'XPORT_PROVIDER_CONFIG_INVALID')) problems.push(`${example.page}: ${e.message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every manifest example is valid for this kernel', async () => {
    const problems: string[] = [];
    for (const [i, example] of jsonExamples().filter(isManifestPackage).entries()) {
      const dir = join(app.root, 'manifests', String(i));
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'package.json'), JSON.stringify(example.value));
      const report = await createKernel({ root: app.root, config: { discovery: { nodeModules: false, paths: [dir] } }, env: {}, logger: silent }).discover();
      for (const e of [...report.problems, ...report.providers.flatMap((p) => p.errors)].filter((e) => MANIFEST_PROBLEMS.includes(e.code))) {
        problems.push(`${example.page}: ${e.code}: ${e.message}`);
      }
      expect(report.providers.map((p) => p.packageName)).toEqual([example.value.name]);
    }
    expect(problems).toEqual([]);
  });
});
