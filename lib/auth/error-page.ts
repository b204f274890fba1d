import { escapeHtml } from './escape-html.js';

/** A page of the module's own, styled like django-fitbit's `fitapp/error.html`; `paragraphs` are trusted HTML. */
export function modulePage(title: string, paragraphs: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; color: #1f2937; }
    h1 { color: #b91c1c; font-size: 1.6rem; }
    a { color: #00838f; }
    .retry { display: inline-block; padding: 0.5rem 1rem; border-radius: 5px; background: #00838f; color: white; text-decoration: none; font-weight: 600; }
  </style>
</head>
<body>
  <h1>${title}</h1>
${paragraphs.map((paragraph) => `  <p>${paragraph}</p>\n`).join('')}  <p><a href="/">Back to the start page</a></p>
</body>
</html>
`;
}

/** What the error page shows: the reason in the provider's name, and where to try again. */
export interface ErrorPageContent {
  /** One of CONNECT_FAILURE_REASONS, or null when the page was opened without one. */
  reason: string | null;
  message: string;
  /** The provider's display name. */
  providerName: string;
  /** The module's `login/` route, beside the error route: starts the connect again. */
  retryUrl: string;
}

/** The module's own error page, like django-fitbit's `fitapp/error.html`, with the reason and a way to try again. */
export function defaultErrorPage(content: ErrorPageContent): string {
  return modulePage('Fitbit Authentication Error', [escapeHtml(content.message), `<a class="retry" href="${escapeHtml(content.retryUrl)}">Try again</a>`]);
}

/** What `login/` and `logout/` answer (403) when another site started them. */
export const CROSS_SITE_PAGE = modulePage('Request refused', [
  'This request to connect or disconnect your Fitbit account came from another website, so nothing was changed.',
  'To connect or disconnect your Fitbit account, use the buttons on this site.',
]);
