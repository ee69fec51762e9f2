/** The page at `/` until the web console lands: tells a new user how to send a first event. */
export function homePage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Godwit</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1d2733}
code,pre{background:#f1f3f5;border-radius:4px;padding:.1rem .3rem}pre{padding:1rem;overflow:auto}</style></head>
<body><h1>Godwit is running</h1>
<p>Send a first event with the write key printed at start:</p>
<pre>curl -u WRITE_KEY: -H 'content-type: application/json' \\
  -d '{"userId":"u1","event":"Signed Up"}' __ORIGIN__/v1/track</pre>
<p>Then read the customer with the secret key:</p>
<pre>curl -H 'authorization: Bearer SECRET_KEY' __ORIGIN__/v1/customers/u1</pre>
<script>for (const pre of document.querySelectorAll('pre')) pre.textContent = pre.textContent.replaceAll('__ORIGIN__', location.origin);</script>
</body></html>`;
}
