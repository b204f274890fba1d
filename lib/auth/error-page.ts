/** The module's own error page, like django-fitbit's `fitapp/error.html`. */
export const DEFAULT_ERROR_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Fitbit Authentication Error</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; color: #1f2937; }
    h1 { color: #b91c1c; font-size: 1.6rem; }
    a { color: #00838f; }
  </style>
</head>
<body>
  <h1>Fitbit Authentication Error</h1>
  <p>We encountered an error while attempting to authenticate you through Fitbit.</p>
  <p><a href="/">Back to the start page</a></p>
</body>
</html>
`;
