/**
 * HTTPS to the real test server (its certificate is signed by a throwaway CA that
 * `.ci/clickhouse-server.sh` makes with openssl): `ca_cert` trusts it, `verify: false` skips the
 * check, neither fails with a hint naming `ca_cert`, and `secure` on the wrong port says so.
 * Skipped without CLICKHOUSE_HTTPS_URL and CLICKHOUSE_CA_CERT.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import { ErrorCodes } from '../../src/core/errors.js';
import { removeProject, runCli, writeProject } from '../support/cli.js';
import { failure, serverTarget } from '../support/clickhouse-server.js';

const httpsUrl = process.env.CLICKHOUSE_HTTPS_URL;
const caCert = process.env.CLICKHOUSE_CA_CERT;
const skip = !httpsUrl || !caCert || !process.env.CLICKHOUSE_URL;
const REASON = 'no HTTPS test server: run `eval "$(bash .ci/clickhouse-server.sh start)"` with openssl installed';
if (skip) console.warn(`test/e2e/server-tls.test.ts: skipped. ${REASON}.`);

describe.skipIf(skip)(skip ? `HTTPS targets (skipped: ${REASON})` : 'HTTPS targets', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeProject));

  it('connects over HTTPS when ca_cert names the CA, or with verify: false', async () => {
    for (const overrides of [{ caCert }, { verify: false }]) {
      const adapter = await connect(serverTarget(overrides, httpsUrl));
      try {
        expect(adapter.description).toMatch(/^https:\/\/127\.0\.0\.1:\d+ as tsdbt$/);
        expect(await adapter.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      } finally {
        await adapter.close();
      }
    }
  });

  it('refuses an unknown CA, pointing at ca_cert', async () => {
    const error = await failure(connect(serverTarget({}, httpsUrl)));
    expect(error.code).toBe(ErrorCodes.CONNECTION_FAILED);
    expect(error.message).toMatch(/^Could not establish a trusted TLS connection to ClickHouse at 127\.0\.0\.1:\d+/);
    expect(error.hint).toContain('`ca_cert`');
  });

  it('says when secure does not match the port', async () => {
    const httpPort = new URL(process.env.CLICKHOUSE_URL!).port;
    const error = await failure(connect(serverTarget({ secure: true, port: Number(httpPort), caCert }, httpsUrl)));
    expect(error.code).toBe(ErrorCodes.CONNECTION_FAILED);
    expect(`${error.message} ${error.hint ?? ''}`).toContain('`secure`');
  });

  it('tsdbt debug passes with `secure: true` and a ca_cert relative to the project', async () => {
    const url = new URL(httpsUrl!);
    const dir = writeProject({
      'project.yml': 'name: tls\nprofile: tls\n',
      'models/one.sql': 'select 1 as one\n',
      'profiles.yml': [
        'tls:',
        '  target: server',
        '  outputs:',
        '    server:',
        '      type: clickhouse',
        '      host: 127.0.0.1',
        `      port: ${url.port}`,
        '      secure: true',
        '      ca_cert: certs/ca.pem',
        `      user: ${decodeURIComponent(url.username)}`,
        `      password: "{{ env_var('CLICKHOUSE_PASSWORD') }}"`,
        '      schema: tsdbt_tls_debug',
        '',
      ].join('\n'),
      'certs/.keep': '',
    });
    dirs.push(dir);
    copyFileSync(caCert!, path.join(dir, 'certs', 'ca.pem'));
    const result = await runCli(['debug'], { cwd: dir, env: { CLICKHOUSE_PASSWORD: decodeURIComponent(url.password) } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/reachable: https:\/\/127\.0\.0\.1:\d+ answers \/ping \[OK\]/);
    expect(result.stderr).toContain('All checks passed!');
  });
});
