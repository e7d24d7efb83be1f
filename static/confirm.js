// Destructive actions ask first. Their links (a[data-confirm]) and GET forms (form[data-confirm])
// lead to a confirmation page; with JavaScript that page's [data-confirmation] part opens here
// in a modal dialog instead (Escape or its "back" link closes it, its button does the action).
// Anything unexpected (offline, an error page) falls back to the page itself.
(() => {
  "use strict";

  async function confirmIn(url, opener) {
    let page;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error(String(response.status));
      page = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (error) {
      window.location.assign(url);
      return;
    }
    const part = page.querySelector("[data-confirmation]");
    if (!part) {
      window.location.assign(url);
      return;
    }
    const dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.append(document.importNode(part, true));
    const heading = dialog.querySelector("h1");
    if (heading) {
      heading.id = "confirm-dialog-title";
      dialog.setAttribute("aria-labelledby", heading.id);
    }
    dialog.querySelectorAll("[data-dismiss]").forEach((link) =>
      link.addEventListener("click", (event) => {
        event.preventDefault();
        dialog.close();
      })
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
    });
    document.body.append(dialog);
    dialog.showModal();
  }

  const plainClick = (event) =>
    event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-confirm]");
    if (!link || event.defaultPrevented || !plainClick(event)) return;
    event.preventDefault();
    confirmIn(link.href, link);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (!form || event.defaultPrevented) return;
    event.preventDefault();
    const submitter = event.submitter;
    const url = new URL((submitter && submitter.formAction) || form.action, window.location.href);
    url.search = new URLSearchParams(new FormData(form, submitter)).toString();
    confirmIn(url.toString(), form.closest("details")?.querySelector("summary") || submitter);
  });
})();
