// Job details: while the job is queued or running, follow its status every 2 s and append
// only the output added since the last poll (?offset=N); the server says `reset` when the
// stored output was capped (head + marker + moving tail) and the whole text is sent instead.
(function () {
  const fields = document.getElementById("job-fields");
  if (!fields || fields.dataset.active !== "true") return;
  const output = document.getElementById("job-output");
  const statusEl = document.getElementById("job-status");
  const infoEl = document.getElementById("job-info");
  const progressEl = document.getElementById("job-progress");
  const queueEl = document.getElementById("job-queue");
  // The server counts characters as Python does; keep its offset rather than textContent.length.
  let offset = parseInt(fields.dataset.offset || "0", 10);
  // Words in the page's language, from the template (data-text-*).
  const text = fields.dataset;
  // The status arrives as its label in the page's language; its class comes from the value.
  const statusClasses = JSON.parse(fields.dataset.statusClasses || "{}");

  function queueText(ahead) {
    if (ahead === null || ahead === undefined) return text.textNone;
    if (ahead === 0) return text.textNext;
    return ahead === 1 ? text.textAheadOne : text.textAheadMany.replace("{num}", String(ahead));
  }

  function showOutput(data) {
    const atBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 8;
    if (data.reset) {
      if (output.textContent !== data.output) output.textContent = data.output || text.textNoOutput;
    } else if (data.output) {
      if (offset === 0) output.textContent = "";  // drop the "(no output yet)" placeholder
      output.appendChild(document.createTextNode(data.output));
    }
    offset = data.offset;
    if (atBottom) output.scrollTop = output.scrollHeight;
  }

  // A reload fired after the user clicked away would bring them back here instead (and a
  // page restored by Back is not leaving any more).
  let leaving = false;
  window.addEventListener("beforeunload", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; });
  async function poll() {
    let data;
    try {
      const url = new URL(fields.dataset.statusUrl, window.location.href);
      url.searchParams.set("offset", String(offset));
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return schedule();
      data = await response.json();
    } catch (error) { return schedule(); }
    showOutput(data);
    statusEl.textContent = data.status;
    statusEl.className = "status status-" + (statusClasses[data.status] || "");
    infoEl.textContent = data.info;
    if (queueEl) queueEl.textContent = queueText(data.queue_position);
    if (data.progress_total) {
      // The bar and its numbers, both live (the bar used to appear only after a reload).
      let bar = progressEl.querySelector("progress");
      if (!bar) {
        bar = document.createElement("progress");
        bar.setAttribute("aria-label", text.textProgressLabel);
      }
      bar.max = data.progress_total;
      bar.value = data.progress_done || 0;
      progressEl.replaceChildren(bar, " " + data.progress_text);  // with its unit, in the page's language
    }
    if (data.active) schedule(); else if (!leaving) window.location.reload();
  }
  function schedule() { setTimeout(poll, document.hidden ? 10000 : 2000); }
  setTimeout(poll, 500);  // the first look soon after the page opens, then every 2 s
})();
