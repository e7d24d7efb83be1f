// Job details: while the job is queued or running, follow its status and output every 2 s.
(function () {
  const fields = document.getElementById("job-fields");
  if (!fields || fields.dataset.active !== "true") return;
  const output = document.getElementById("job-output");
  const statusEl = document.getElementById("job-status");
  const infoEl = document.getElementById("job-info");
  const progressEl = document.getElementById("job-progress");

  async function poll() {
    let data;
    try {
      const response = await fetch(fields.dataset.statusUrl, { credentials: "same-origin" });
      if (!response.ok) return schedule();
      data = await response.json();
    } catch (error) { return schedule(); }
    const atBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 8;
    if (data.output && output.textContent !== data.output) {
      output.textContent = data.output;
      if (atBottom) output.scrollTop = output.scrollHeight;
    }
    statusEl.textContent = data.status;
    statusEl.className = "status status-" + data.status.toLowerCase();
    infoEl.textContent = data.info;
    if (data.progress_total) {
      progressEl.textContent = data.progress_done + " of " + data.progress_total + " (" + data.progress_percent + "%)";
    }
    if (data.active) schedule(); else window.location.reload();
  }
  function schedule() { setTimeout(poll, document.hidden ? 10000 : 2000); }
  schedule();
})();
