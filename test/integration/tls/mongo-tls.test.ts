// MongoDB over TLS as the driver takes it in MONGO_URL (tls=true, tlsCAFile=…): a sync and `status`
// against a server that serves TLS only, and a clear failure with a CA that did not sign its certificate.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { generateDataset } from '../../support/dataset.js';
import { startMongoServer, type MongoServer } from '../../support/mongo-server.js';
import { createSyncProject, type SyncProject } from '../../support/sync-project.js';
import { makeCa } from '../../support/tls-mariadb.js';

describe('MongoDB over TLS', () => {
  let dir = '';
  let server: MongoServer | undefined;
  let project: SyncProject | undefined;
  let otherCaFile = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbp-mongo-tls-'));
    const ca = await makeCa(dir, 'mongo');
    otherCaFile = (await makeCa(dir, 'other')).caFile;
    const { certFile, keyFile } = await ca.issue('mongo-server', 'DNS:localhost');
    const pemFile = join(dir, 'mongo-server.combined.pem');
    await writeFile(pemFile, `${await readFile(certFile, 'utf8')}${await readFile(keyFile, 'utf8')}`);
    server = await startMongoServer({ tls: { certFile, keyFile, caFile: ca.caFile, pemFile } });
    expect(server.url).toContain('tls=true');
    // A server that refuses the handshake is "not reachable" to the driver until its selection timeout.
    project = await createSyncProject({ mongoUrl: server.url, defaults: { sync: { connect_timeout_seconds: 3 } } });
    const data = generateDataset({
      now: Math.floor(Date.now() / 1000),
      spanSeconds: 3600,
      waves: 4,
      points: 3,
      monitories: [{ name: 'Extraction_1_dev_a', interval: 300 }],
    });
    await project.source.insertCycles(data.cycles);
    await project.source.insertMeasures(data.measures);
  });

  afterAll(async () => {
    await project?.cleanup();
    await server?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs with tls=true and the CA in tlsCAFile', async () => {
    const result = await runCli(project!.syncArgs('--once'));
    expect(result.stderr).not.toMatch(/error/);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/: 4 document\(s\) written/);
    expect(await project!.db.listCollections().toArray()).not.toHaveLength(0);
  });

  it('fails clearly without TLS and with a CA that did not sign the certificate', async () => {
    const credentials = join(project!.config.dir, 'credentials.env');
    const original = await readFile(credentials, 'utf8');
    try {
      const plain = server!.url.replace(/\?.*$/, '');
      const wrongCa = server!.url.replace(/tlsCAFile=[^&]*/, `tlsCAFile=${encodeURIComponent(otherCaFile)}`);
      const stderr: string[] = [];
      for (const url of [plain, wrongCa]) {
        await writeFile(credentials, original.replace(/^MONGO_URL=.*$/m, `MONGO_URL=${url}`), { mode: 0o600 });
        const result = await runCli(project!.syncArgs('--once'));
        expect(result.exitCode).toBe(1);
        expect(result.stderr).toMatch(/MongoDB localhost:\d+/);
        stderr.push(result.stderr);
      }
      // The driver's words: the certificate's issuer is not in tlsCAFile.
      expect(stderr[1]).toMatch(
        /unable to verify the first certificate|self[- ]signed certificate in certificate chain/,
      );
    } finally {
      await writeFile(credentials, original, { mode: 0o600 });
    }
  });
});
