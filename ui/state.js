// State shared by the pages: the session's role and a one-shot message for the next page.
export const session = { readOnly: false, authNeeded: false };

let flash = null;
export function setFlash(message) {
  flash = message;
}
export function takeFlash() {
  const f = flash;
  flash = null;
  return f;
}
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}
