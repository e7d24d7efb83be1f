// Auto refresh for the Jobs page: replaces the table in place every 5 s (filters and the
// keyset page come from the URL), keeps the toggle state in the URL and the links, and
// pauses while the tab is hidden.
(function () {
  const toggle = document.getElementById("auto-refresh");
  const live = document.getElementById("jobs-live");
  const announcer = document.getElementById("jobs-announcer");
  if (!toggle || !live) return;
  const INTERVAL_MS = 5000;
  let timer = null;

  function pageUrl(partial) {
    const url = new URL(window.location.href);
    if (toggle.getAttribute("aria-pressed") === "true") url.searchParams.set("autorefresh", "1");
    else url.searchParams.delete("autorefresh");
    if (partial) url.searchParams.set("partial", "1");
    return url;
  }

  let lastHtml = null;
  // A reload fired after the user clicked away would bring them back here instead (and a
  // page restored by Back is not leaving any more).
  let leaving = false;
  window.addEventListener("beforeunload", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; });

  // Swap in the new table only when it changed, in one step (no flicker), keeping the
  // page's scroll position, open <details> and the focused link.
  async function refresh() {
    try {
      const response = await fetch(pageUrl(true), { credentials: "same-origin" });
      if (response.redirected || !response.ok) { if (!leaving) window.location.reload(); return; }
      const html = await response.text();
      if (html === lastHtml) return;
      lastHtml = html;
      const open = Array.from(live.querySelectorAll("details[open]"), function (d) { return d.className; });
      const focused = live.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
      // Ticked rows stay ticked (and a ticked box keeps the focus) across the swap.
      const ticked = Array.from(live.querySelectorAll("input.pick:checked"), function (box) { return box.value; });
      const focusedBox = live.contains(document.activeElement) && document.activeElement.matches("input.pick")
        ? document.activeElement.value : null;
      const scrollX = window.scrollX, scrollY = window.scrollY;
      const fresh = document.createElement("template");
      fresh.innerHTML = html;
      open.forEach(function (name) {
        const details = fresh.content.querySelector("details." + name);
        if (details) details.open = true;
      });
      ticked.forEach(function (id) {
        const box = fresh.content.querySelector('input.pick[value="' + id + '"]');
        if (box) box.checked = true;
      });
      live.replaceChildren(fresh.content);
      if (focusedBox) {
        const box = live.querySelector('input.pick[value="' + focusedBox + '"]');
        if (box) box.focus({ preventScroll: true });
      }
      if (focused) {
        const again = Array.from(live.querySelectorAll("a[href]")).find(function (a) { return a.getAttribute("href") === focused; });
        if (again) again.focus({ preventScroll: true });
      }
      window.scrollTo(scrollX, scrollY);
      announce();
    } catch (error) { /* network blip: try again on the next tick */ }
  }

  // A short polite summary (in the page's language, from data-text) instead of the whole table.
  function announce() {
    const health = live.querySelector(".health");
    if (!announcer || !health) return;
    announcer.textContent = announcer.dataset.text
      .replace("{queued}", health.dataset.queued).replace("{running}", health.dataset.running);
  }

  function schedule() {
    clearInterval(timer);
    timer = null;
    if (toggle.getAttribute("aria-pressed") === "true" && !document.hidden) timer = setInterval(refresh, INTERVAL_MS);
  }

  function syncLinks() {
    const on = toggle.getAttribute("aria-pressed") === "true";
    document.querySelectorAll(".tabs a, [data-refresh], .pagination a").forEach(function (link) {
      const url = new URL(link.href);
      if (on) url.searchParams.set("autorefresh", "1"); else url.searchParams.delete("autorefresh");
      link.href = url.toString();
    });
    const form = document.querySelector("form.filters");
    if (form) {
      let hidden = form.querySelector('input[name="autorefresh"]');
      if (on && !hidden) {
        hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = "autorefresh"; hidden.value = "1";
        form.prepend(hidden);
      } else if (!on && hidden) hidden.remove();
    }
    history.replaceState(null, "", pageUrl(false));
  }

  toggle.addEventListener("click", function (event) {
    event.preventDefault();
    const on = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.querySelector(".check").textContent = on ? "✔" : "";
    syncLinks();
    schedule();
    if (on) refresh();
  });
  toggle.addEventListener("keydown", function (event) {
    if (event.key === " ") { event.preventDefault(); toggle.click(); }
  });
  document.addEventListener("visibilitychange", function () { schedule(); if (!document.hidden) refresh(); });
  schedule();
})();
