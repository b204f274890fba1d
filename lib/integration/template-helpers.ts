import { FITBIT_INTEGRATED_LOCAL } from './integration.constants.js';

/**
 * django-fitbit's `is_integrated_with_fitbit` template filter, for view engines. Helpers run
 * synchronously, so this reads `res.locals.fitbitIntegrated`, which
 * `@FitbitIntegrationWarning()` sets on every request it handles; it is false where the
 * decorator did not run. In plain code prefer `await fitbitService.isIntegrated(user)`.
 *
 * Accepts the locals (or a render context built from them) or, as a Handlebars helper, its
 * `options` argument (whose `data.root` is the render context):
 *
 * ```ts
 * hbs.registerHelper('isIntegratedWithFitbit', isIntegratedWithFitbit);
 * // {{#if (isIntegratedWithFitbit)}} ... {{else}} <a href="/fitbit/login/">Connect Fitbit</a> {{/if}}
 * // or, in code: isIntegratedWithFitbit(res.locals)
 * ```
 */
export function isIntegratedWithFitbit(localsOrOptions: unknown): boolean {
  const source = localsOrOptions as { [FITBIT_INTEGRATED_LOCAL]?: unknown; data?: { root?: Record<string, unknown> } } | null;
  if (source === null || typeof source !== 'object') return false;
  if (FITBIT_INTEGRATED_LOCAL in source) return source[FITBIT_INTEGRATED_LOCAL] === true;
  return source.data?.root?.[FITBIT_INTEGRATED_LOCAL] === true;
}
