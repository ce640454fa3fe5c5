{% autoescape off %}/* The portal's service worker, served at /sw.js by portal.pwa.service_worker (root scope).

Pages: network first. Only pages the server names in its X-Offline-Copy header (the signed-in
learner's lessons, the last chat page: portal.pwa.offline_copy) are kept, one per kind, in
PAGES; offline, a kept page is shown again, anything else gets the offline page. PAGES is
forgotten when someone logs out or in, and when a page is shown to nobody signed in (pwa.js).
Static assets: network first, kept in SHELL for the kept pages. Nothing of another origin. */
"use strict";

const CONFIG = {{ config }};
const PAGES = "portal-pages";
const SHELL = "portal-shell-" + CONFIG.version;
const SHELL_PREFIX = "portal-shell-";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(CONFIG.shell)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith(SHELL_PREFIX) && name !== SHELL)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget") event.waitUntil(forget());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (request.method === "POST" && CONFIG.forgetOn.includes(url.pathname)) {
      // Forget before the form is sent: the next person on this phone sees nothing of ours.
      event.respondWith(forget().then(() => fetch(request)));
    } else if (request.method === "GET") {
      event.respondWith(page(request));
    }
    return;
  }
  if (request.method === "GET" && url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(asset(request));
  }
});

function forget() {
  return caches.delete(PAGES);
}

async function page(request) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const kept = await caches.match(request, { cacheName: PAGES, ignoreVary: true });
    return kept || (await caches.match(CONFIG.offline, { cacheName: SHELL, ignoreVary: true }))
      || Response.error();
  }
  const kind = response.headers.get(CONFIG.header);
  if (kind && response.status === 200) {
    await keep(kind, request, response.clone());
  } else {
    // No longer one of the person's pages (signed out, access gone): not kept either.
    const cache = await caches.open(PAGES);
    await cache.delete(request, { ignoreVary: true });
  }
  return response;
}

async function keep(kind, request, response) {
  const cache = await caches.open(PAGES);
  for (const key of await cache.keys()) {
    const old = await cache.match(key, { ignoreVary: true });
    if (old && old.headers.get(CONFIG.header) === kind) await cache.delete(key, { ignoreVary: true });
  }
  const alias = response.headers.get(CONFIG.aliasHeader);
  await cache.put(request, response);
  if (alias && alias.startsWith("/")) {
    // The page's other address answers offline as online: a redirect to it, kept with it.
    const headers = { Location: request.url, [CONFIG.header]: kind };
    await cache.put(new URL(alias, self.location.origin).href, new Response(null, { status: 302, headers }));
  }
}

async function asset(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      const cache = await caches.open(SHELL);
      await cache.put(request, copy);
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request, { cacheName: SHELL, ignoreVary: true });
    return kept || Response.error();
  }
}
{% endautoescape %}
