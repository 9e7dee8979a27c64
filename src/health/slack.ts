// Posts to a Slack incoming webhook, retrying with backoff. The URL is a secret: it is never
// part of a message or an error; the text is redacted here, where it leaves for Slack.
import { setTimeout as sleep } from 'node:timers/promises';
import { redact } from '../logging/redact.js';

export interface PostOptions {
  attempts?: number;
  /** First delay between attempts, doubled each time. */
  retrySeconds?: number;
  timeoutSeconds?: number;
}

export async function postToSlack(url: string, text: string, options: PostOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 4;
  let delay = options.retrySeconds ?? 1;
  let lastProblem = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: redact(text) }),
        signal: AbortSignal.timeout((options.timeoutSeconds ?? 10) * 1000),
      });
      if (response.ok) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      // fetch errors name the URL in their cause; keep only the kind of failure.
      const cause = (error as { cause?: { code?: string } }).cause;
      lastProblem = cause?.code ?? (error instanceof Error ? error.name : 'error');
    }
    if (attempt < attempts) {
      await sleep(delay * 1000);
      delay *= 2;
    }
  }
  throw new Error(`the Slack webhook did not take the alert after ${attempts} attempt(s): ${lastProblem}`);
}
