/*
 * sigmirror admin dashboard: the only script its CSP allows (script-src 'self', nothing inline).
 * Login keeps the token in sessionStorage (shared with the console in this tab) and in the
 * sigmirror_admin cookie (Path=/admin, page GETs only). Job actions call /v1/admin with
 * `Authorization: Bearer`, never with the cookie, then reload the page.
 * Text from the server is only ever set with textContent, never as HTML.
 */
/* global document, sessionStorage, fetch, location, confirm */
'use strict';

(function () {
  var KEY = 'sigmirror_token';
  var COOKIE = 'sigmirror_admin';

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

  /** Calls the API with the token; resolves to the JSON body, rejects with the API's message. */
  function api(method, path) {
    return fetch(path, {
      method: method,
      headers: { Authorization: 'Bearer ' + token() },
      credentials: 'omit',
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
      setCookie(COOKIE, '/admin', value);
      location.assign(form.getAttribute('data-next') || '/admin');
    });
  }

  /** Logs out of the dashboard and of the console (same token in this tab). */
  function logout(button) {
    button.addEventListener('click', function () {
      sessionStorage.removeItem(KEY);
      setCookie(COOKIE, '/admin', '', 0);
      setCookie('sigmirror_console', '/console', '', 0);
      location.assign('/admin/login');
    });
  }

  var ACTIONS = {
    retry: { method: 'POST', suffix: '/retry', doing: 'retrying…', done: 'moved back to waiting' },
    remove: { method: 'DELETE', suffix: '', doing: 'removing…', done: 'removed' },
  };

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

  var wire = { login: login, logout: logout };
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
