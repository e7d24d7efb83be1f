// Record pickers on the job forms: a field that takes a description's slug becomes a combobox
// (WAI-ARIA 1.2 pattern) searching descriptions by title or identifier as the user types.
// Arrow keys move through the suggestions, Enter picks one, Escape closes the list; the field
// then holds the slug (what the form sends) and the chosen title is shown under it. Without
// JavaScript the field is a plain text field for the slug.
(function () {
  const form = document.querySelector("form[data-search-url]");
  if (!form) return;
  const searchUrl = form.dataset.searchUrl;
  const texts = form.dataset;

  form.querySelectorAll("input[data-picker]").forEach(function (input, index) {
    const many = input.dataset.picker === "many";
    const listbox = document.createElement("ul");
    listbox.id = input.id + "-suggestions";
    listbox.className = "picker-list";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", texts.textSuggestions);
    listbox.hidden = true;
    const status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    const chosen = document.createElement("span");
    chosen.className = "picker-chosen";
    chosen.id = input.id + "-chosen";
    input.after(listbox, status, chosen);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    input.setAttribute("aria-describedby", described.concat(chosen.id).join(" "));

    let options = [], active = -1, timer = null, asked = 0;

    function term() {
      return many ? input.value.split(",").pop().trim() : input.value.trim();
    }
    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(next) {
      if (!options.length) return;
      active = (next + options.length) % options.length;
      listbox.querySelectorAll("[role=option]").forEach(function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      const li = document.getElementById(listbox.id + "-" + active);
      input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    }
    function pick(i) {
      const record = options[i];
      if (!record) return;
      if (many) {
        const parts = input.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
        parts.pop();
        parts.push(record.slug);
        input.value = parts.join(", ") + ", ";
      } else {
        input.value = record.slug;
      }
      chosen.textContent = texts.textChosen.replace("{title}", record.title);
      input.dispatchEvent(new Event("change", { bubbles: true }));  // (the form's preview follows)
      close();
      input.focus();
    }
    function show(records) {
      options = records;
      listbox.textContent = "";
      records.forEach(function (record, i) {
        const li = document.createElement("li");
        li.id = listbox.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const title = document.createElement("span");
        title.textContent = record.title;
        const detail = document.createElement("small");
        detail.textContent = [record.level, record.identifier, record.slug].filter(Boolean).join(" · ");
        li.append(title, " ", detail);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(i); });
        listbox.appendChild(li);
      });
      listbox.hidden = records.length === 0;
      input.setAttribute("aria-expanded", records.length ? "true" : "false");
      status.textContent = records.length
        ? texts.textResults.replace("{num}", String(records.length))
        : texts.textNoResults;
    }
    async function lookUp() {
      const words = term();
      if (words.length < 2) { close(); return; }
      const url = new URL(searchUrl, window.location.href);
      url.searchParams.set("q", words);
      const exclude = input.dataset.pickerExclude && document.getElementById(input.dataset.pickerExclude);
      if (exclude && exclude.value.trim()) url.searchParams.set("exclude", exclude.value.trim());
      const mine = ++asked;
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok || mine !== asked) return;
        show(await response.json());
      } catch (error) { /* the plain field still works */ }
    }

    input.addEventListener("input", function () {
      chosen.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(lookUp, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (listbox.hidden) lookUp(); else highlight(active + 1);
      } else if (event.key === "ArrowUp" && !listbox.hidden) {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && !listbox.hidden && active >= 0) {
        event.preventDefault();  // picks; it does not send the form
        pick(active);
      } else if (event.key === "Escape" && !listbox.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  });
})();
