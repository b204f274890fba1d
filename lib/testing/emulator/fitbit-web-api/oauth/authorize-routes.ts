import { randomBytes } from 'node:crypto';
import { formFields, htmlResponse, redirectResponse, type EmulatorRequest, type EmulatorResponse } from '../../core/http-types.js';
import type { Route } from '../../core/router.js';
import type { EmulatorContext } from '../../emulator-mode.js';
import type { AuthorizationCodes } from './authorization-codes.js';
import { authorizeErrorPage, consentPage, CONSENT_DECISION_PATH } from './authorize-pages.js';
import { checkAuthorizeRequest, redirectBack, type AuthorizeRequest } from './authorize-request.js';

const errorPage = (problem: string): EmulatorResponse => htmlResponse(400, authorizeErrorPage(problem));

/** GET /oauth2/authorize and the consent form's POST back. */
export function authorizeRoutes(context: EmulatorContext, codes: AuthorizationCodes): Route[] {
  const pending = new Map<string, AuthorizeRequest>();

  const codeRedirect = (request: AuthorizeRequest, userId: string, scopes: string[]): EmulatorResponse =>
    redirectResponse(
      redirectBack(request, { code: codes.create({ userId, scopes, redirectUri: request.redirectUri, pkce: request.pkce }) }),
    );

  const authorize = (http: EmulatorRequest): EmulatorResponse => {
    const check = checkAuthorizeRequest(http.query, context.options);
    if (!check.ok) return errorPage(check.problem);
    const { request } = check;
    if (context.options.autoApprove) {
      const user = context.users.consentUser();
      if (!user) return errorPage('Auto-approve is on but the emulator has no user to sign in as: add one first.');
      return codeRedirect(request, user.id, request.scopes);
    }
    const transaction = randomBytes(16).toString('hex');
    pending.set(transaction, request);
    return htmlResponse(
      200,
      consentPage({ transaction, users: context.users.all(), preselectedUserId: context.users.consentUser()?.id, scopes: request.scopes }),
    );
  };

  const decide = (http: EmulatorRequest): EmulatorResponse => {
    const form = formFields(http);
    const transaction = form.get('transaction') ?? '';
    const request = pending.get(transaction);
    if (!request) return errorPage('This consent form has expired or was already answered. Start again from the application.');
    pending.delete(transaction);
    if (form.get('decision') !== 'allow') {
      return redirectResponse(redirectBack(request, { error: 'access_denied', error_description: 'The user denied the request.' }));
    }
    const user = context.users.find(form.get('user') ?? '');
    if (!user) return errorPage('Choose a user to sign in as.');
    const ticked = new Set(form.getAll('scope'));
    return codeRedirect(request, user.id, request.scopes.filter((scope) => ticked.has(scope)));
  };

  return [
    { method: 'GET', pattern: /^\/oauth2\/authorize$/, handle: authorize },
    { method: 'POST', pattern: new RegExp(`^${CONSENT_DECISION_PATH.replaceAll('/', '\\/')}$`), handle: decide },
  ];
}
