// The signed-in login kept across reloads: { name, token } in localStorage, per origin.
//
// Why localStorage and not a cookie: the token is sent only where this script puts it, in the
// Socket.IO handshake (`auth: { token }`) and the rich `hello`. No request carries it by
// itself, so another site cannot make the browser act with it (no CSRF, and no cross-site
// WebSocket hijacking riding on a cookie). The cost is that a script running in this origin
// could read it; the page's CSP (`script-src 'self'`, no inline script, `default-src 'none'`)
// and rendering every server string with textContent are what keep such a script out.
// Signing out revokes the token on the server and removes it here.

const KEY = 'parley.login';

/** @returns {{ name: string, token: string } | null} */
export function loadLogin() {
  let raw;
  try {
    raw = localStorage.getItem(KEY);
  } catch (error) {
    // Storage disabled (privacy settings): no saved login, the page still works signed in for now.
    if (error instanceof DOMException) return null;
    throw error;
  }
  if (raw === null) return null;
  let value;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    value = null;
  }
  if (value && typeof value.name === 'string' && typeof value.token === 'string' && value.token !== '') return { name: value.name, token: value.token };
  forgetLogin();
  return null;
}

export function saveLogin(name, token) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ name, token }));
  } catch (error) {
    if (!(error instanceof DOMException)) throw error;
  }
}

export function forgetLogin() {
  try {
    localStorage.removeItem(KEY);
  } catch (error) {
    if (!(error instanceof DOMException)) throw error;
  }
}
