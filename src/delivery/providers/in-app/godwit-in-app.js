/*
 * Godwit in-app messages, for any page (plain JS, no build):
 *   <script src="https://godwit.example/v1/in-app/godwit-in-app.js" data-write-key="wk_…" data-user-id="u1"></script>
 * or GodwitInApp.connect({ writeKey, userId | anonymousId }). Without ids it uses analytics.js's own.
 * Each message shows in a modal <dialog> (named by its title, described by its body, focus on the
 * first action); showing it fetches its signed open pixel, an action is a signed click link.
 */
(() => {
  const script = document.currentScript;
  const host = script ? script.src.replace(/\/v1\/in-app\/godwit-in-app\.js.*$/, '') : '';
  const queue = [];
  let dialog;

  const stored = (key) => {
    try {
      return JSON.parse(localStorage.getItem(key) || 'null');
    } catch {
      return null;
    }
  };
  // Ids already shown in this browser: a message is never shown twice, whatever the network did.
  const firstSight = (id) => {
    const seen = stored('godwit_in_app_seen') || [];
    if (seen.includes(id)) return false;
    try {
      localStorage.setItem('godwit_in_app_seen', JSON.stringify(seen.concat(id).slice(-100)));
    } catch {}
    return true;
  };

  function connect(options) {
    const params = new URLSearchParams({ writeKey: options.writeKey });
    const userId = options.userId || stored('ajs_user_id');
    const anonymousId = options.anonymousId || stored('ajs_anonymous_id');
    if (userId) params.set('userId', userId);
    if (anonymousId) params.set('anonymousId', anonymousId);
    const source = new EventSource(`${options.host || host}/v1/in-app/stream?${params}`);
    source.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (!firstSight(message.id)) return;
      queue.push(message);
      if (!dialog?.open) showNext();
    };
    return { close: () => source.close() };
  }

  function showNext() {
    if (document.readyState === 'loading')
      return document.addEventListener('DOMContentLoaded', showNext, { once: true });
    const message = queue.shift();
    if (!message || dialog?.open) return;
    dialog = dialog || build();
    dialog.querySelector('h2').textContent = message.title;
    dialog.querySelector('p').textContent = message.body;
    const links = message.actions.map((action) => {
      const link = document.createElement('a');
      link.href = action.url;
      link.textContent = action.label;
      return link;
    });
    dialog.querySelector('div').replaceChildren(...links);
    dialog.showModal();
    (links[0] || dialog.querySelector('button')).focus();
    new Image().src = message.openUrl;
  }

  function build() {
    const element = document.createElement('dialog');
    element.className = 'godwit-in-app';
    element.setAttribute('aria-labelledby', 'godwit-in-app-title');
    element.setAttribute('aria-describedby', 'godwit-in-app-body');
    element.innerHTML =
      '<style>.godwit-in-app{max-width:24rem;border:0;border-radius:8px;padding:1.25rem;font:15px/1.4 system-ui,sans-serif;box-shadow:0 8px 32px #0004}' +
      '.godwit-in-app h2{margin:0 2rem .5rem 0;font-size:1.1rem}.godwit-in-app>div{display:flex;gap:.5rem;margin-top:1rem}' +
      '.godwit-in-app a{padding:.4rem .8rem;border-radius:4px;background:#1f5fbf;color:#fff;text-decoration:none}' +
      '.godwit-in-app>button{position:absolute;top:.5rem;right:.5rem;border:0;background:none;font-size:1.25rem;cursor:pointer}</style>' +
      '<h2 id="godwit-in-app-title"></h2><p id="godwit-in-app-body"></p><div></div>' +
      '<button type="button" aria-label="Close">×</button>';
    element.querySelector('button').addEventListener('click', () => element.close());
    element.addEventListener('close', () => setTimeout(showNext));
    document.body.append(element);
    return element;
  }

  window.GodwitInApp = { connect };
  if (script?.dataset.writeKey) {
    connect({
      writeKey: script.dataset.writeKey,
      userId: script.dataset.userId,
      anonymousId: script.dataset.anonymousId,
    });
  }
})();
