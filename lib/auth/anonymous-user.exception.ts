/** Thrown by SignedInGuard; AnonymousUserFilter turns it into a redirect to the sign-in page. */
export class AnonymousUserException extends Error {
  constructor() {
    super('This page needs a signed-in user');
  }
}
