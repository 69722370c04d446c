/* Keeps the citation marker, source entry or record that the address points at highlighted.
   Material's instant navigation re-renders the page on the first in-page jump after a load, and
   the re-rendered element is no longer :target, so the outline in beam.css would vanish. This
   marks the element named by the address's #fragment after every render and every jump; without
   this file the browser's own :target still highlights it. */
(function () {
  function markTarget() {
    for (const marked of document.querySelectorAll("[data-bh-target]")) {
      marked.removeAttribute("data-bh-target");
    }
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (target) {
      target.setAttribute("data-bh-target", "");
    }
  }
  window.addEventListener("hashchange", markTarget);
  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(markTarget); // Material: emits after each page (re)render
  } else {
    markTarget();
  }
})();
