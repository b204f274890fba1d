/** The sample app's own forms carry a CSRF token (csrf-sync), so another site cannot sign a visitor in to an account of its choosing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../support/browser-session.js';
import { startSampleApp, type SampleAppProcess } from './sample-app-process.js';

describe('the sample app’s CSRF tokens', () => {
  let app: SampleAppProcess;
  beforeAll(async () => {
    app = await startSampleApp({ SAMPLE_USERS: 'demo:demo' });
  }, 60_000);
  afterAll(() => app?.stop());

  const signIn = (browser: BrowserSession, fields: Record<string, string>) =>
    browser.get(`${app.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  it('refuses a sign-in posted without the form’s token (login CSRF), and takes one with it', async () => {
    const forged = await signIn(new BrowserSession(), { username: 'demo', password: 'demo', next: '/fitbit/login/' });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('location')).toBeNull();

    const browser = new BrowserSession();
    const form = await (await browser.get(`${app.url}/login`)).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(form)?.[1];
    expect(token).toBeTruthy();
    const signedIn = await signIn(browser, { _csrf: token!, username: 'demo', password: 'demo', next: '/' });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get('location')).toBe('/');
  });
});
