import { escapeHtml, htmlPage } from '../../core/html.js';
import type { EmulatorUser } from '../../core/users.js';
import { isFitbitScope, SCOPE_DESCRIPTIONS } from '../fitbit-scopes.js';

export const CONSENT_DECISION_PATH = '/oauth2/authorize/decision';

export function authorizeErrorPage(problem: string): string {
  return htmlPage(
    'Authorization request rejected',
    `<div class="error"><p>${escapeHtml(problem)}</p></div>
<p class="muted">The Fitbit emulator did not redirect back to the application because the request was invalid.</p>`,
  );
}

export interface ConsentPageContent {
  transaction: string;
  users: readonly EmulatorUser[];
  preselectedUserId: string | undefined;
  scopes: readonly string[];
}

/** The page a person sees when auto-approve is off: pick a user, untick scopes, allow or deny. */
export function consentPage(content: ConsentPageContent): string {
  const users = content.users
    .map(
      (user, index) => `<label><input type="radio" name="user" value="${escapeHtml(user.id)}"${
        user.id === content.preselectedUserId || (content.preselectedUserId === undefined && index === 0) ? ' checked' : ''
      } required> ${escapeHtml(user.displayName)} <span class="muted">${escapeHtml(user.id)} · ${escapeHtml(user.timezone)}</span></label>`,
    )
    .join('\n');
  const scopes = content.scopes
    .map(
      (scope) =>
        `<label><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked> ${escapeHtml(
          isFitbitScope(scope) ? SCOPE_DESCRIPTIONS[scope] : scope,
        )} <span class="muted">${escapeHtml(scope)}</span></label>`,
    )
    .join('\n');
  return htmlPage(
    'Allow access to your Fitbit data?',
    `<p>An application wants to read your Fitbit data. This is the Fitbit <strong>emulator</strong>: choose whom to sign in as.</p>
<form method="post" action="${CONSENT_DECISION_PATH}">
<input type="hidden" name="transaction" value="${escapeHtml(content.transaction)}">
<h2>Sign in as</h2>
<fieldset>${users || '<p class="muted">No users exist in the emulator.</p>'}</fieldset>
<h2>Share</h2>
<fieldset>${scopes}</fieldset>
<div class="actions">
<button class="deny" type="submit" name="decision" value="deny" formnovalidate>Deny</button>
<button class="allow" type="submit" name="decision" value="allow">Allow</button>
</div>
</form>`,
  );
}
