/**
 * The page a student's access link opens. The token travels in the URL
 * fragment, which browsers never send to the server, and the page uses it as
 * a bearer token against the student API. No third-party code.
 */
export const STUDENT_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>LabKeys — your lab access</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
  h1 { font-size: 1.4rem; } pre { background: #f3f4f6; padding: .75rem; overflow-x: auto; border-radius: 6px; }
  button { font: inherit; padding: .4rem .9rem; margin-right: .5rem; cursor: pointer; }
  #status { padding: .5rem .75rem; border-radius: 6px; background: #eef2ff; }
  .ended { background: #fee2e2 !important; } .ready { background: #dcfce7 !important; }
</style>
</head>
<body>
<h1>Your lab access</h1>
<p id="status">Loading…</p>
<div id="creds" hidden>
  <p>Expires <strong id="expires"></strong>. <button id="console">Open the AWS console</button></p>
  <p><button data-format="env">Shell</button><button data-format="ini">Credentials file</button><button data-format="process">credential_process</button><button data-format="json">JSON</button></p>
  <pre id="output"></pre>
</div>
<script>
(() => {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  const status = document.getElementById('status');
  const show = (text, cls) => { status.textContent = text; status.className = cls || ''; };
  if (!token) { show('This link has no access token. Ask your instructor for a new link.', 'ended'); return; }
  history.replaceState(null, '', location.pathname);
  const auth = { headers: { Authorization: 'Bearer ' + token } };
  let format = 'env';
  async function load() {
    const res = await fetch('/v1/me/sessions/current?format=' + format, auth);
    if (res.status === 200) {
      const text = await res.text();
      const meta = await (await fetch('/v1/me/sessions/current', auth)).json();
      document.getElementById('creds').hidden = false;
      document.getElementById('expires').textContent = new Date(meta.expiration).toLocaleString();
      document.getElementById('output').textContent = text;
      show('Your credentials are ready.', 'ready');
      return;
    }
    const problem = await res.json().catch(() => ({}));
    document.getElementById('creds').hidden = res.status !== 200;
    show(problem.detail || ('Unavailable (' + res.status + ')'), res.status === 409 ? '' : 'ended');
  }
  document.querySelectorAll('button[data-format]').forEach((b) => b.addEventListener('click', () => { format = b.dataset.format; load(); }));
  document.getElementById('console').addEventListener('click', async () => {
    const res = await fetch('/v1/me/sessions/current/console?mode=json', auth);
    if (res.ok) location.href = (await res.json()).url; else show('Could not open the console (' + res.status + ').', 'ended');
  });
  async function listen() {
    const res = await fetch('/v1/me/events', auth);
    if (!res.ok || !res.body) return;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let i;
      while ((i = buffer.indexOf('\\n\\n')) >= 0) { const block = buffer.slice(0, i); buffer = buffer.slice(i + 2); if (/^event: /m.test(block)) load(); }
    }
    setTimeout(listen, 2000);
  }
  load(); listen();
})();
</script>
</body>
</html>`;
