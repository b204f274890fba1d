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
  </style>
</head>
<body>
  <h1>${title}</h1>
${paragraphs.map((paragraph) => `  <p>${paragraph}</p>\n`).join('')}  <p><a href="/">Back to the start page</a></p>
</body>
</html>
`;
}

/** The module's own error page, like django-fitbit's `fitapp/error.html`. */
export const DEFAULT_ERROR_PAGE = modulePage('Fitbit Authentication Error', [
  'We encountered an error while attempting to authenticate you through Fitbit.',
]);

/** What `login/` and `logout/` answer (403) when another site started them. */
export const CROSS_SITE_PAGE = modulePage('Request refused', [
  'This request to connect or disconnect your Fitbit account came from another website, so nothing was changed.',
  'To connect or disconnect your Fitbit account, use the buttons on this site.',
]);
