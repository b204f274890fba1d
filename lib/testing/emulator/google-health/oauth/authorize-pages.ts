import { escapeHtml, htmlPage } from '../../core/html.js';
import type { EmulatorUser } from '../../core/users.js';
import { describeScope } from '../google-scopes.js';

export const GOOGLE_CONSENT_DECISION_PATH = '/o/oauth2/v2/consent';

/** Google's "Access blocked" page for a malformed authorization request. */
export function googleAuthorizeErrorPage(error: string, problem: string): string {
  return htmlPage(
    'Access blocked: authorization error',
    `<div class="error"><p><strong>Error 400: ${escapeHtml(error)}</strong></p><p>${escapeHtml(problem)}</p></div>
<p class="muted">This is the Google Health <strong>emulator</strong>. It did not redirect back to the application because the request was invalid.</p>`,
  );
}

export interface GoogleConsentPageContent {
  transaction: string;
  clientId: string;
  users: readonly EmulatorUser[];
  preselectedUserId: string | undefined;
  scopes: readonly string[];
}

/** The page a person sees when auto-approve is off: choose an account, untick what not to share, continue or cancel. */
export function googleConsentPage(content: GoogleConsentPageContent): string {
  const users = content.users
    .map(
      (user, index) => `<label><input type="radio" name="user" value="${escapeHtml(user.id)}"${
        user.id === content.preselectedUserId || (content.preselectedUserId === undefined && index === 0) ? ' checked' : ''
      } required> ${escapeHtml(user.displayName)} <span class="muted">${escapeHtml(user.healthUserId)} · ${escapeHtml(user.timezone)}</span></label>`,
    )
    .join('\n');
  const scopes = content.scopes
    .map(
      (scope) =>
        `<label><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked> ${escapeHtml(describeScope(scope))} <span class="muted">${escapeHtml(
          scope.replace('https://www.googleapis.com/auth/', ''),
        )}</span></label>`,
    )
    .join('\n');
  return htmlPage(
    'Sign in with Google',
    `<p><code>${escapeHtml(content.clientId)}</code> wants access to your Google Account. This is the Google Health <strong>emulator</strong>: choose an account to continue.</p>
<form method="post" action="${GOOGLE_CONSENT_DECISION_PATH}">
<input type="hidden" name="transaction" value="${escapeHtml(content.transaction)}">
<h2>Choose an account</h2>
<fieldset>${users || '<p class="muted">No accounts exist in the emulator.</p>'}</fieldset>
<h2>Select what the app can access</h2>
<fieldset>${scopes}</fieldset>
<p class="muted">Make sure you trust this app. You can remove its access at any time in your Google Account.</p>
<div class="actions">
<button class="deny" type="submit" name="decision" value="deny" formnovalidate>Cancel</button>
<button class="allow" type="submit" name="decision" value="allow">Continue</button>
</div>
</form>`,
  );
}
