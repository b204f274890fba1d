import { randomBytes } from 'node:crypto';
import { formFields, htmlResponse, redirectResponse, type EmulatorRequest, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorContext } from '../../emulator-mode.js';
import type { GoogleAuthorizationCodes } from './authorization-codes.js';
import { GOOGLE_CONSENT_DECISION_PATH, googleAuthorizeErrorPage, googleConsentPage } from './authorize-pages.js';
import { checkGoogleAuthorizeRequest, redirectBack, type GoogleAuthorizeRequest } from './authorize-request.js';
import type { GoogleTokenStore } from './google-tokens.js';

const errorPage = (error: string, problem: string): EmulatorResponse => htmlResponse(400, googleAuthorizeErrorPage(error, problem));

/** GET /o/oauth2/v2/auth and the consent form's POST back. */
export function googleAuthorizeRoutes(context: EmulatorContext, codes: GoogleAuthorizationCodes, tokens: GoogleTokenStore): Route[] {
  const pending = new Map<string, GoogleAuthorizeRequest>();

  /** Google issues a refresh token for offline access when the user was asked (or had none yet); silent re-approval gets none. */
  const codeRedirect = (request: GoogleAuthorizeRequest, userId: string, consented: string[], consentShown: boolean): EmulatorResponse => {
    const grant = tokens.liveGrant(userId);
    const scopes = [...consented];
    if (request.includeGrantedScopes && grant) for (const scope of grant.scopes) if (!scopes.includes(scope)) scopes.push(scope);
    const withRefreshToken = request.offline && (consentShown || request.promptConsent || !grant?.hasRefreshToken);
    const code = codes.create({ userId, scopes, redirectUri: request.redirectUri, pkce: request.pkce, withRefreshToken });
    return redirectResponse(redirectBack(request, { code, scope: scopes.join(' ') }));
  };

  const authorize = (http: EmulatorRequest): EmulatorResponse => {
    const check = checkGoogleAuthorizeRequest(http.query, context.options);
    if (!check.ok) return errorPage(check.error, check.problem);
    const { request } = check;
    if (context.options.autoApprove) {
      const user = context.users.consentUser();
      if (!user) return errorPage('invalid_request', 'Auto-approve is on but the emulator has no account to sign in as: add a user first.');
      return codeRedirect(request, user.id, request.scopes, false);
    }
    const transaction = randomBytes(16).toString('hex');
    pending.set(transaction, request);
    return htmlResponse(
      200,
      googleConsentPage({
        transaction,
        clientId: context.options.clientId,
        users: context.users.all(),
        preselectedUserId: context.users.consentUser()?.id,
        scopes: request.scopes,
      }),
    );
  };

  const decide = (http: EmulatorRequest): EmulatorResponse => {
    const form = formFields(http);
    const request = pending.get(form.get('transaction') ?? '');
    if (!request) return errorPage('invalid_request', 'This consent screen has expired or was already answered. Start again from the application.');
    pending.delete(form.get('transaction') ?? '');
    if (form.get('decision') !== 'allow') return redirectResponse(redirectBack(request, { error: 'access_denied' }));
    const user = context.users.find(form.get('user') ?? '');
    if (!user) return errorPage('invalid_request', 'Choose an account to continue.');
    const ticked = new Set(form.getAll('scope'));
    return codeRedirect(
      request,
      user.id,
      request.scopes.filter((scope) => ticked.has(scope)),
      true,
    );
  };

  return [
    { method: 'GET', pattern: /^\/o\/oauth2\/v2\/auth$/, handle: authorize },
    { method: 'POST', pattern: new RegExp(`^${GOOGLE_CONSENT_DECISION_PATH.replaceAll('/', '\\/')}$`), handle: decide },
  ];
}
