/* Handover: the register's service worker. It keeps one copy of today's register page
   (the last one the server sent, which says how long it may be kept) so that the page
   still opens when the hall's Wi-Fi is down, and nothing else. It never sends taps: the
   page does that (register-offline.js), since Safari has no Background Sync.

   The copy goes when its time is up (the end of the register's day or of the sign-in,
   whichever is first), when the server sends the tablet to the sign-in page, and on
   sign-out (the page deletes it, and the server's Clear-Site-Data header too). */
"use strict";

const CACHE = "handover-register";
const REGISTER_PAGE = /^\/sessions\/\d+\/register\/$/;
const KEEP_HEADER = "X-Register-Keep-Until";
const KEPT_UNTIL = "X-Kept-Until-Tablet-Time";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function forget() {
  await caches.delete(CACHE);
}

async function keep(request, response) {
  const until = Number(response.headers.get(KEEP_HEADER));
  // The server's deadline, on the tablet's clock (which may be wrong).
  const serverNow = Date.parse(response.headers.get("Date") || "") || Date.now();
  const headers = new Headers(response.headers);
  headers.set(KEPT_UNTIL, String(until - (serverNow - Date.now())));
  const body = await response.clone().arrayBuffer();
  await forget(); // one copy only: today's register as last seen
  const cache = await caches.open(CACHE);
  await cache.put(
    request.url.split("#")[0],
    new Response(body, { status: response.status, statusText: response.statusText, headers }),
  );
}

const NOTHING_KEPT = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>No connection · Handover</title></head><body><main><h1>No connection</h1>
<p>The tablet cannot reach Handover, and it keeps no copy of the register now: the
register's day or your sign-in has ended.</p>
<p>Any taps still waiting are kept on this tablet until the end of the register's day. When
the connection is back, sign in again and open the register: they are sent then.</p>
<p><a href="">Try again</a></p></main></body></html>`;

async function theCopy(request) {
  const cache = await caches.open(CACHE);
  const copy = await cache.match(request.url.split("#")[0], { ignoreVary: true });
  if (copy && Number(copy.headers.get(KEPT_UNTIL)) > Date.now()) return copy;
  await forget();
  return null;
}

async function registerPage(request) {
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    return (
      (await theCopy(request)) ||
      new Response(NOTHING_KEPT, {
        status: 503,
        headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
      })
    );
  }
  if (response.ok && response.headers.get(KEEP_HEADER)) {
    await keep(request, response);
  } else if (response.type === "opaqueredirect" || response.redirected) {
    await forget(); // sent to sign in: the sign-in has ended
  } else if ([502, 503, 504].includes(response.status)) {
    // The hall reaches the proxy, but Handover does not answer: the copy serves too.
    return (await theCopy(request)) || response;
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (
    event.request.mode === "navigate" &&
    url.origin === self.location.origin &&
    REGISTER_PAGE.test(url.pathname)
  ) {
    event.respondWith(registerPage(event.request));
  }
});
