// notifyd dashboard: the few things pages do in the browser. Pages work for
// reading without it; it sends the CSRF token with every change and builds
// results with textContent only (never markup from the server).
'use strict';

(() => {
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : '';

  async function api(method, url, body) {
    const options = { method, credentials: 'same-origin', headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf } };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      return { ok: false, status: 0, data: { error: 'the server cannot be reached' } };
    }
    let data = {};
    try {
      data = (await response.json()) || {};
    } catch (error) {
      data = {};
    }
    if (response.status === 401) {
      window.location.assign('/login?next=' + encodeURIComponent(window.location.pathname + window.location.search));
    }
    return { ok: response.ok, status: response.status, data, retryAfter: Number(response.headers.get('Retry-After')) };
  }

  // "in 3 minutes", "in 45 seconds", from a Retry-After in seconds; '' when unknown.
  function waitText(seconds) {
    if (!Number.isFinite(seconds) || seconds <= 0) return '';
    if (seconds < 60) return 'in ' + Math.ceil(seconds) + (Math.ceil(seconds) === 1 ? ' second' : ' seconds');
    const minutes = Math.ceil(seconds / 60);
    return 'in ' + minutes + (minutes === 1 ? ' minute' : ' minutes');
  }

  // What went wrong, in words for people; `what` names the action ("The code could not be checked").
  function failure(result, what) {
    if (result.status === 0) return what + ': the server cannot be reached. Check your connection and try again.';
    if (result.status >= 500) return what + ' because of a problem on the server (error ' + result.status + '). Try again later.';
    return what + ' (error ' + result.status + ').';
  }

  function say(element, text, tone) {
    if (!element) return;
    element.textContent = text;
    element.classList.remove('ok', 'bad');
    if (tone) element.classList.add(tone);
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  // Times read as in Telegram's replies and on the server's pages: 2026-12-07 01:08 UTC.
  function utcText(when) {
    const pad = (n) => String(n).padStart(2, '0');
    return when.getUTCFullYear() + '-' + pad(when.getUTCMonth() + 1) + '-' + pad(when.getUTCDate()) + ' ' +
      pad(when.getUTCHours()) + ':' + pad(when.getUTCMinutes()) + ' UTC';
  }

  // The exact time on hover.
  function exactTimeTitles(root) {
    for (const node of root.querySelectorAll('time[datetime]')) node.title = node.getAttribute('datetime');
  }

  function timeNode(iso) {
    const when = new Date(iso);
    const node = element('time', Number.isNaN(when.getTime()) ? iso : utcText(when));
    node.setAttribute('datetime', iso);
    return node;
  }

  function busy(button, label) {
    const before = button.textContent;
    button.disabled = true;
    button.textContent = label;
    return () => {
      button.disabled = false;
      button.textContent = before;
    };
  }

  // ---- Telegram ----------------------------------------------------------

  const verifyForm = document.querySelector('form[data-action="telegram-verify"]');
  if (verifyForm) {
    verifyForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const out = document.getElementById('telegram-result');
      const input = verifyForm.querySelector('input[name="code"]');
      const code = input.value.replace(/\s+/g, '');
      if (!/^[0-9]{6}$/.test(code)) {
        say(out, 'Enter the 6 digits the bot sent you.', 'bad');
        input.focus();
        return;
      }
      const done = busy(verifyForm.querySelector('button'), 'Checking…');
      say(out, 'Checking the code…');
      const result = await api('POST', '/api/telegram/verify', { code });
      if (result.ok) {
        say(out, 'Telegram is linked.', 'ok');
        window.location.reload();
        return;
      }
      done();
      let why;
      if (result.status === 400) {
        why = 'That code is not valid or has expired. Send /start to the bot for a new one.';
      } else if (result.status === 429) {
        const wait = waitText(result.retryAfter);
        why = 'Too many attempts. ' + (wait ? 'Try again ' + wait + '.' : 'Wait a few minutes and try again.');
      } else if (result.status === 503) {
        why = 'Telegram is not set up on this server, so there is nothing to link. Ask the operator.';
      } else {
        why = failure(result, 'The code could not be checked');
      }
      say(out, why, 'bad');
      input.focus();
    });
  }

  const unlinkButton = document.querySelector('button[data-action="telegram-unlink"]');
  if (unlinkButton) {
    unlinkButton.addEventListener('click', async () => {
      const out = document.getElementById('telegram-result');
      const done = busy(unlinkButton, 'Unlinking…');
      const result = await api('POST', '/api/telegram/unlink');
      if (result.ok) {
        say(out, 'Telegram is unlinked.', 'ok');
        window.location.reload();
        return;
      }
      done();
      say(out, failure(result, 'Telegram could not be unlinked'), 'bad');
    });
  }

  // ---- Checks --------------------------------------------------------------

  const badTones = ['timeout', 'bad_output', 'failed', 'refused'];

  function showRun(out, data) {
    out.replaceChildren();
    const run = data.run || {};
    const line = element('p');
    const tone = run.outcome === 'notified' ? 'ok' : (badTones.includes(run.outcome) ? 'bad' : '');
    line.append(element('span', run.outcome || 'unknown', 'badge' + (tone ? ' ' + tone : '')));
    let facts = ' finished in ' + (run.duration_ms ?? '?') + ' ms';
    if (run.exit_code !== null && run.exit_code !== undefined) facts += ', exit ' + run.exit_code;
    line.append(document.createTextNode(facts));
    out.append(line);
    if (run.detail) out.append(element('p', run.detail, 'detail'));
    const sent = data.notification;
    if (sent) {
      const p = element('p');
      p.append(document.createTextNode('Sent: '));
      p.append(element('strong', sent.title || sent.message || ('notification #' + sent.id)));
      p.append(document.createTextNode(' '));
      const link = element('a', 'See it in History');
      link.href = '/history?before=' + (Number(sent.id) + 1);
      p.append(link);
      out.append(p);
    }
    if (run.stderr) {
      out.append(element('p', 'stderr:', 'detail'));
      out.append(element('pre', run.stderr));
    }
  }

  // Replaces a check card's summary (badge, facts) and recent runs with the server's
  // current ones (the page itself, fetched again), leaving the run's result.
  async function refreshCard(card, name) {
    let text;
    try {
      const response = await fetch(window.location.pathname, { credentials: 'same-origin' });
      if (!response.ok) return;
      text = await response.text();
    } catch (error) {
      return;
    }
    const page = new DOMParser().parseFromString(text, 'text/html');
    const button = [...page.querySelectorAll('button[data-action="run-check"]')].find((b) => b.dataset.check === name);
    const fresh = button && button.closest('article');
    if (!fresh) return;
    for (const selector of ['.check-summary', 'details.runs']) {
      const now = card.querySelector(selector);
      const next = fresh.querySelector(selector);
      if (now && next) now.replaceWith(document.importNode(next, true));
      else if (!now && next) card.querySelector('.run-result').after(document.importNode(next, true));
    }
    exactTimeTitles(card);
  }

  for (const button of document.querySelectorAll('button[data-action="run-check"]')) {
    button.addEventListener('click', async () => {
      const out = document.getElementById(button.dataset.result);
      const done = busy(button, 'Running…');
      out.replaceChildren(element('p', 'Running ' + button.dataset.check + '…'));
      const result = await api('POST', '/v1/checks/' + encodeURIComponent(button.dataset.check) + '/run');
      done();
      if (result.ok) {
        showRun(out, result.data);
        const card = button.closest('article');
        if (card) await refreshCard(card, button.dataset.check);
      } else {
        out.replaceChildren(element('p', result.data.error || ('The run failed (HTTP ' + result.status + ').'), 'error'));
      }
    });
  }

  // ---- Desktop app -----------------------------------------------------------

  const tokenButton = document.querySelector('button[data-action="desktop-token"]');
  if (tokenButton) {
    tokenButton.addEventListener('click', async () => {
      const out = document.getElementById('desktop-result');
      const done = busy(tokenButton, 'Creating…');
      const result = await api('POST', '/api/desktop/token');
      done();
      if (!result.ok) {
        say(out, result.status === 503 ? 'The desktop app is not set up on this server. Ask the operator.'
                                       : failure(result, 'No token could be created'), 'bad');
        return;
      }
      document.getElementById('desktop-token-value').value = result.data.token || '';
      document.getElementById('desktop-token-url').textContent = result.data.url || window.location.origin;
      const expires = document.getElementById('desktop-token-expires');
      expires.replaceChildren(result.data.expires_at ? timeNode(result.data.expires_at) : element('span', 'never'));
      exactTimeTitles(expires);
      document.getElementById('desktop-token').hidden = false;
      say(out, 'Token created. Paste it into the desktop app.', 'ok');
    });
  }

  const copyButton = document.querySelector('button[data-action="copy-token"]');
  if (copyButton) {
    copyButton.addEventListener('click', async () => {
      const field = document.getElementById('desktop-token-value');
      const out = document.getElementById('desktop-result');
      try {
        await navigator.clipboard.writeText(field.value);
        say(out, 'Token copied.', 'ok');
      } catch (error) {
        field.select();
        say(out, 'Select the token and copy it.', '');
      }
    });
  }

  exactTimeTitles(document);
})();
