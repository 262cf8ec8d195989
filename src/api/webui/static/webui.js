/*
 * sigmirror web UI (the console and the dashboard): the only script their CSP allows (script-src
 * 'self', nothing inline). <body> names the mount: data-ui (its path), data-cookie, data-logout.
 * Login keeps the token in sessionStorage (shared by the UIs in this tab) and in the mount's
 * cookie (Path=<data-ui>, page GETs only). Actions call the /v1 API with `Authorization: Bearer`,
 * never with the cookie, then reload the page.
 * Text from the server is only ever set with textContent, never as HTML.
 */
/* global document, sessionStorage, fetch, location, setTimeout, confirm */
'use strict';

(function () {
  var KEY = 'sigmirror_token';
  var UI = document.body.getAttribute('data-ui') || '/console';
  var COOKIE = document.body.getAttribute('data-cookie') || 'sigmirror_console';
  var POLL_MS = 1000;
  var POLL_TRIES = 30;

  function cookieToken() {
    var parts = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(COOKIE + '=') === 0) return decodeURIComponent(parts[i].slice(COOKIE.length + 1));
    }
    return null;
  }

  /** The token for API calls: this tab's, or the cookie's (a tab opened later has only the cookie). */
  function token() {
    return sessionStorage.getItem(KEY) || cookieToken();
  }

  function setCookie(name, path, value, maxAge) {
    var secure = location.protocol === 'https:' ? '; Secure' : '';
    var age = maxAge === undefined ? '' : '; Max-Age=' + maxAge;
    document.cookie =
      name + '=' + encodeURIComponent(value) + '; Path=' + path + '; SameSite=Strict' + age + secure;
  }

  function say(text, isError) {
    var out = document.getElementById('action-result');
    if (!out) return;
    out.textContent = text;
    out.className = isError ? 'error' : '';
  }

  /** Calls the API with the token (and a JSON body, if any); resolves to the JSON body, rejects with the API's message. */
  function api(method, path, body) {
    var headers = { Authorization: 'Bearer ' + token() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, {
      method: method,
      headers: headers,
      credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (res) {
      return res.json().then(function (json) {
        if (res.ok) return json;
        var e = json && json.errors && json.errors[0];
        throw new Error(
          (e ? e.code + ': ' + e.message : 'HTTP ' + res.status) +
            (res.status === 401 ? ' (sign in again)' : ''),
        );
      });
    });
  }

  function login(form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var value = document.getElementById('token').value.trim();
      if (!value) return;
      sessionStorage.setItem(KEY, value);
      setCookie(COOKIE, UI, value);
      location.assign(form.getAttribute('data-next') || UI);
    });
  }

  /** Logs out of every UI: the tab's token is theirs alike. */
  function logout(button) {
    button.addEventListener('click', function () {
      sessionStorage.removeItem(KEY);
      (document.body.getAttribute('data-logout') || '').split(' ').forEach(function (entry) {
        var at = entry.indexOf('=');
        if (at > 0) setCookie(entry.slice(0, at), entry.slice(at + 1), '', 0);
      });
      location.assign(UI + '/login');
    });
  }

  /** Waits for an import job to finish (or POLL_TRIES), then reloads. */
  function waitForJob(id, tries) {
    api('GET', '/v1/imports/' + encodeURIComponent(id))
      .then(function (job) {
        say('import ' + job.state + (job.error ? ': ' + job.error : ''), job.state === 'failed');
        if (job.state === 'completed' || job.state === 'failed' || tries <= 0) location.reload();
        else setTimeout(waitForJob, POLL_MS, id, tries - 1);
      })
      .catch(function (err) {
        say(err.message, true);
      });
  }

  function reimport(button) {
    button.addEventListener('click', function () {
      button.disabled = true;
      say('enqueueing…');
      api('POST', '/v1/imports', { references: [button.getAttribute('data-reference')] })
        .then(function (answer) {
          waitForJob(answer.jobs[0].id, POLL_TRIES);
        })
        .catch(function (err) {
          button.disabled = false;
          say(err.message, true);
        });
    });
  }

  function verify(form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      say('verifying…');
      api('POST', '/v1/verify', {
        reference: form.getAttribute('data-reference'),
        expectedIdentity: document.getElementById('verify-identity').value.trim(),
        keys: [document.getElementById('verify-key').value],
        save: true,
      })
        .then(function (result) {
          say(result.verified ? 'verified; reloading…' : 'not verified; reloading…', !result.verified);
          location.reload();
        })
        .catch(function (err) {
          submit.disabled = false;
          say(err.message, true);
        });
    });
  }

  var ACTIONS = {
    retry: { method: 'POST', suffix: '/retry', doing: 'retrying…', done: 'moved back to waiting' },
    remove: { method: 'DELETE', suffix: '', doing: 'removing…', done: 'removed' },
  };

  /** A dashboard job button: POST …/retry or DELETE the job through /v1/admin, then reload. */
  function jobAction(button) {
    var action = ACTIONS[button.getAttribute('data-action')];
    var job = button.getAttribute('data-job');
    var path =
      '/v1/admin/queues/' +
      encodeURIComponent(button.getAttribute('data-queue')) +
      '/jobs/' +
      encodeURIComponent(job) +
      action.suffix;
    button.addEventListener('click', function () {
      if (action.method === 'DELETE' && !confirm('Remove job ' + job + '?')) return;
      button.disabled = true;
      say(action.doing);
      api(action.method, path)
        .then(function () {
          say('job ' + job + ' ' + action.done + '; reloading…');
          location.reload();
        })
        .catch(function (err) {
          button.disabled = false;
          say(err.message, true);
        });
    });
  }

  var wire = { login: login, logout: logout, reimport: reimport, verify: verify };
  function start() {
    Object.keys(wire).forEach(function (id) {
      var element = document.getElementById(id);
      if (element) wire[id](element);
    });
    var buttons = document.querySelectorAll('button[data-action]');
    for (var i = 0; i < buttons.length; i++) jobAction(buttons[i]);
    document.documentElement.setAttribute('data-ready', 'true');
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
