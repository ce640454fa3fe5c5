/* Registers the service worker (/sw.js, root scope) from every page of base.html, and tells it
   to forget the kept pages (portal/templates/portal/sw.js) whenever nobody is signed in on this
   page and when the person logs out. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  const script = document.querySelector("script[data-service-worker]");
  if (!script) return;

  function forget() {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "forget" });
    });
  }

  navigator.serviceWorker.register(script.dataset.serviceWorker, { scope: "/" }).catch(function () {
    // No worker (a private window, an old phone): the pages work as before, only not offline.
  });
  if (!("signedIn" in script.dataset)) forget();
  document.addEventListener("submit", function (event) {
    if (event.target.closest && event.target.closest("form.logout-form")) forget();
  });
})();
