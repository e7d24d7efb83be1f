// Auto refresh for the Jobs page: replaces the table in place every 5 s,
// keeps the toggle state in the URL, and pauses while the tab is hidden.
(function () {
  const toggle = document.getElementById("auto-refresh");
  const live = document.getElementById("jobs-live");
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

  async function refresh() {
    try {
      const response = await fetch(pageUrl(true), { credentials: "same-origin" });
      if (response.redirected || !response.ok) { window.location.reload(); return; }
      const open = Array.from(live.querySelectorAll("details[open]"), function (d) { return d.className; });
      live.innerHTML = await response.text();
      open.forEach(function (name) {
        const details = live.querySelector("details." + name);
        if (details) details.open = true;
      });
    } catch (error) { /* network blip: try again on the next tick */ }
  }

  function schedule() {
    clearInterval(timer);
    timer = null;
    if (toggle.getAttribute("aria-pressed") === "true" && !document.hidden) timer = setInterval(refresh, INTERVAL_MS);
  }

  function syncLinks() {
    const on = toggle.getAttribute("aria-pressed") === "true";
    document.querySelectorAll(".tabs a, [data-refresh]").forEach(function (link) {
      const url = new URL(link.href);
      if (on) url.searchParams.set("autorefresh", "1"); else url.searchParams.delete("autorefresh");
      link.href = url.toString();
    });
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
