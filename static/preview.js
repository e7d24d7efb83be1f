// The job form's preview ("12,403 descriptions will become Published; 2 already are"): asked
// again of the server (set-based, fast) whenever a field changes, and announced politely.
(() => {
  "use strict";
  const form = document.getElementById("job-form");
  const preview = document.getElementById("job-preview");
  if (!form || !preview) return;
  let timer = null;
  let asked = 0;

  async function refresh() {
    const mine = ++asked;
    const values = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrf_token" && typeof value === "string") values.append(name, value);
    }
    try {
      const response = await fetch(preview.dataset.previewUrl + "?" + values.toString(), { credentials: "same-origin" });
      if (!response.ok || mine !== asked) return;  // a newer question is on its way
      preview.textContent = (await response.json()).text;
    } catch (error) { /* offline: the form still works, without its preview */ }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
