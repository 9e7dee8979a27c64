// Posting to the Slack webhook: the text that leaves for Slack is redacted; failures never name the URL.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postToSlack } from '../../src/health/slack.js';
import { registerSecrets } from '../../src/logging/redact.js';

describe('postToSlack', () => {
  const bodies: string[] = [];
  let status = 200;
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/hook-s3cr3t`;
    registerSecrets([url]);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the text redacted of registered secrets and URL passwords', async () => {
    const password = 'Slk-canary-93b0';
    registerSecrets([password]);
    await postToSlack(
      url,
      `:warning: db-proxy: x is not syncing; last error: Access denied for user 'u_${password}'@'localhost'; ` +
        'MongoDB mongodb://app:unregistered-77@db:27017 does not answer',
    );
    const text = (JSON.parse(bodies.at(-1)!) as { text: string }).text;
    expect(text).toContain("Access denied for user 'u_***'@'localhost'");
    expect(text).toContain('mongodb://app:***@db:27017');
    expect(text).not.toContain(password);
    expect(text).not.toContain('unregistered-77');
  });

  it('gives up after its attempts with the HTTP status, never the URL', async () => {
    status = 500;
    const failure = await postToSlack(url, 'x', { attempts: 2, retrySeconds: 0 }).catch((error: unknown) => error);
    status = 200;
    expect(String(failure)).toBe('Error: the Slack webhook did not take the alert after 2 attempt(s): HTTP 500');
  });
});
