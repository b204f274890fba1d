const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

const PAGE_STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #eef2f5; color: #1f2a33; }
  main { max-width: 460px; margin: 48px auto; background: #fff; border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08); padding: 28px 32px; box-sizing: border-box; }
  @media (max-width: 500px) { main { margin: 16px 8px; padding: 20px 16px; } }
  header { display: flex; align-items: center; gap: 10px; margin-bottom: 16px; }
  .logo { width: 32px; height: 32px; border-radius: 50%; background: #00b0b9; color: #fff; display: grid; place-items: center; font-weight: 700; }
  h1 { font-size: 1.25rem; margin: 0; }
  h2 { font-size: .95rem; margin: 20px 0 8px; color: #4a5a66; text-transform: uppercase; letter-spacing: .04em; }
  p { line-height: 1.5; }
  fieldset { border: 1px solid #d5dde3; border-radius: 8px; padding: 8px 14px; margin: 0; }
  label { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; padding: 6px 0; cursor: pointer; }
  /* Scope names are long unbroken words (googlehealth.activity_and_fitness.readonly): they wrap inside the card. */
  .muted { color: #6b7b86; font-size: .85rem; min-width: 0; overflow-wrap: anywhere; }
  .actions { display: flex; gap: 12px; margin-top: 24px; }
  button { flex: 1; padding: 10px 14px; border-radius: 8px; border: 1px solid #00b0b9; font-size: 1rem; cursor: pointer; }
  button.allow { background: #00b0b9; color: #fff; }
  button.deny { background: #fff; color: #00727a; }
  .error { border-left: 4px solid #d64545; padding-left: 12px; }
  code { background: #f3f5f7; padding: 1px 4px; border-radius: 4px; }
`;

/** A self-contained page (inline CSS, no external assets). `content` must already be escaped. */
export function htmlPage(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>
<body><main><header><div class="logo" aria-hidden="true">F</div><h1>${escapeHtml(title)}</h1></header>
${content}
</main></body>
</html>`;
}
