// Record pickers (job forms, the Jobs filter): a field that takes descriptions by slug becomes a
// combobox (WAI-ARIA 1.2 pattern) searching descriptions by title or identifier as the user types.
// Arrow keys move through the suggestions, Enter picks one, Escape closes the list. The field then
// shows what was chosen, "Port Ellis Harbour Commission fonds — Fonds · PEHC", and a hidden input
// of the field's name holds the slug the form sends (as scripts and tests post it). A picker of
// several shows each choice as a chip with a button that removes it. The server gives the titles
// of what the field holds (data-picker-chosen), so a form shown again after an error shows titles.
// Without JavaScript the field is a plain text field for slugs.
(function () {
  "use strict";

  function label(record) {
    const detail = [record.level, record.identifier].filter(Boolean).join(" · ");
    return detail ? record.title + " — " + detail : record.title;
  }

  function parsed(text) {
    try { return JSON.parse(text || "[]"); } catch (error) { return []; }
  }

  function picker(input, form) {
    const texts = form.dataset;
    const many = input.dataset.picker === "many";
    const known = parsed(input.dataset.pickerChosen);
    // The value sent: the field's name moves to a hidden input; the field keeps its id and label.
    const value = document.createElement("input");
    value.type = "hidden";
    value.name = input.name;
    value.id = input.id + "-value";
    value.value = input.value;
    input.removeAttribute("name");

    const listbox = document.createElement("ul");
    listbox.id = input.id + "-suggestions";
    listbox.className = "picker-list";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", texts.textSuggestions);
    listbox.hidden = true;
    const status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.after(listbox, status, value);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");

    let picked = [], options = [], active = -1, timer = null, asked = 0;
    const chips = many ? document.createElement("ul") : null;
    if (many) {
      chips.className = "picker-chips";
      chips.id = input.id + "-chips";
      chips.setAttribute("aria-label", texts.textChosenList);
      input.before(chips);
      const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      input.setAttribute("aria-describedby", [chips.id].concat(described).join(" "));
    }

    // The field as the server gave it: titles for what it knows, the rest as typed.
    const given = many ? input.value.split(/[\s,]+/).filter(Boolean) : [input.value.trim()].filter(Boolean);
    const bySlug = new Map(known.map(function (record) { return [record.slug, record]; }));
    if (many) {
      given.filter(function (slug) { return bySlug.has(slug); }).forEach(function (slug) { addChip(bySlug.get(slug)); });
      input.value = given.filter(function (slug) { return !bySlug.has(slug); }).join(", ");
    } else if (bySlug.has(given[0])) {
      picked = [bySlug.get(given[0])];
      input.value = label(picked[0]);
    }

    function sync() {
      const typed = input.value.trim();
      if (many) {
        value.value = picked.map(function (record) { return record.slug; }).concat(typed ? [typed] : []).join(", ");
      } else {
        value.value = picked.length && typed === label(picked[0]) ? picked[0].slug : typed;
      }
    }
    function addChip(record) {
      picked.push(record);
      const chip = document.createElement("li");
      chip.className = "picker-chip";
      const name = document.createElement("span");
      name.textContent = label(record);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "picker-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", texts.textRemove.replace("{title}", record.title));
      remove.addEventListener("click", function () {
        picked = picked.filter(function (other) { return other !== record; });
        chip.remove();
        status.textContent = texts.textRemoved.replace("{title}", record.title);
        sync();
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      });
      chip.append(name, " ", remove);
      chips.appendChild(chip);
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
        if (!picked.some(function (other) { return other.slug === record.slug; })) addChip(record);
        input.value = "";
      } else {
        picked = [record];
        input.value = label(record);
      }
      status.textContent = texts.textChosen.replace("{title}", record.title);
      sync();
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
        detail.textContent = [record.level, record.identifier].filter(Boolean).join(" · ");
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
    function term() {  // (a single picker showing its choice searches by its title)
      const typed = input.value.trim();
      return !many && picked.length && typed === label(picked[0]) ? picked[0].title : typed;
    }
    async function lookUp() {
      const words = term();
      if (words.length < 2) { close(); return; }
      const url = new URL(form.dataset.searchUrl, window.location.href);
      url.searchParams.set("q", words);
      const exclude = input.dataset.pickerExclude;
      const other = exclude && (document.getElementById(exclude + "-value") || document.getElementById(exclude));
      if (other && other.value.trim()) url.searchParams.set("exclude", other.value.trim());
      const mine = ++asked;
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok || mine !== asked) return;
        show(await response.json());
      } catch (error) { /* the plain field still works */ }
    }

    input.addEventListener("input", function () {
      sync();
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
    sync();
  }

  document.querySelectorAll("form[data-search-url]").forEach(function (form) {
    form.querySelectorAll("input[data-picker]").forEach(function (input) { picker(input, form); });
  });
})();
