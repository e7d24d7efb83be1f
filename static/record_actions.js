// A description's actions (templates/descriptions/_actions.html): one "Actions" menu on a phone,
// a row of buttons open under the title on a wider screen. style.css already shows the row there
// (no jump as the page loads); opening the menu makes what is read out and found match what is
// seen. A menu the server sent open (a form with errors) stays open.
(() => {
  "use strict";
  const menu = document.getElementById("record-actions");
  if (!menu) return;
  const wide = window.matchMedia("(width > 40rem)");
  const sentOpen = menu.open;
  const fit = () => {
    menu.open = wide.matches || sentOpen;
  };
  fit();
  wide.addEventListener("change", fit);
})();
