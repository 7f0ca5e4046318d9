// The playground's WhatsApp phone (Wim): everything goes through the WhatsApp emulator's
// control API under /whatsapp-api/control/..., and one long poll
// (/playground/api/whatsapp/updates) follows the chat. Texts are rendered with DOM
// nodes only (never innerHTML), WhatsApp's *bold* and _italic_ included.
"use strict";

window.samenWhatsApp = (() => {
  const SAFE_LINK = /^https?:/i;
  const wa = { phones: [], cursor: 0, generation: 0, places: [] };

  async function control(phone, action, body) {
    phone.error.hidden = true;
    try {
      const response = await fetch(phone.person.api + "/control/" + action, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user: phone.person.bsuid, ...body }),
      });
      if (response.ok) return true;
      const data = await response.json().catch(() => ({}));
      showError(phone, data.error || "That did not work (" + response.status + ").");
    } catch (err) {
      showError(phone, "The playground is not reachable. Is it still running?");
    }
    return false;
  }

  function showError(phone, text) {
    phone.error.textContent = text;
    phone.error.hidden = false;
  }

  function build(person) {
    const template = document.getElementById("wa-phone-template");
    const root = template.content.firstElementChild.cloneNode(true);
    const $ = (selector) => root.querySelector(selector);
    root.dataset.person = person.key;
    root.dataset.role = person.role;
    $(".avatar").textContent = person.first_name.slice(0, 1);
    $(".name").textContent = person.first_name;
    $(".role").textContent = "WhatsApp · Resident · Nederlands";
    $(".empty-text").textContent =
      person.first_name + " uses WhatsApp. Type a message to Samen, as he would.";
    const phone = {
      person, root, chat: $(".chat"), error: $(".error"),
      sheet: $(".wa-sheet"), locationPanel: $(".location-panel"),
    };
    const input = $(".text");
    $(".input-row").addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (text && (await control(phone, "send", { text }))) input.value = "";
      input.focus();
    });
    $(".tool-location").addEventListener("click", () => { phone.locationPanel.hidden = false; });
    $(".location-panel .cancel").addEventListener("click", () => { phone.locationPanel.hidden = true; });
    for (const place of wa.places) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "place";
      button.textContent = "📍 " + place.name;
      button.addEventListener("click", () => {
        phone.locationPanel.hidden = true;
        control(phone, "location", { latitude: place.latitude, longitude: place.longitude });
      });
      phone.locationPanel.querySelector(".places").append(button);
    }
    $(".wa-sheet-close").addEventListener("click", () => { phone.sheet.hidden = true; });
    return phone;
  }

  // WhatsApp's markup: *bold*, _italic_, and bare links.
  function formatted(text) {
    const fragment = document.createDocumentFragment();
    const pattern = /\*([^*\n]+)\*|_([^_\n]+)_|(https?:\/\/[^\s)]+)/g;
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      fragment.append(text.slice(last, match.index));
      let node;
      if (match[1] !== undefined) {
        node = document.createElement("strong");
        node.textContent = match[1];
      } else if (match[2] !== undefined) {
        node = document.createElement("em");
        node.textContent = match[2];
      } else {
        node = document.createElement("a");
        node.textContent = match[3];
        if (SAFE_LINK.test(match[3])) {
          node.href = match[3];
          node.target = "_blank";
          node.rel = "noopener noreferrer";
        }
      }
      fragment.append(node);
      last = match.index + match[0].length;
    }
    fragment.append(text.slice(last));
    return fragment;
  }

  function button(label, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "inline-btn wa-btn";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  function openList(phone, interactive) {
    const { action } = interactive;
    phone.sheet.querySelector(".wa-sheet-title").textContent = action.button;
    const rows = phone.sheet.querySelector(".wa-rows");
    rows.replaceChildren();
    for (const section of action.sections) {
      for (const row of section.rows) {
        const choose = button(row.title, () => {
          phone.sheet.hidden = true;
          control(phone, "press", { id: row.id });
        });
        choose.classList.add("wa-row");
        if (row.description) {
          const description = document.createElement("small");
          description.textContent = row.description;
          choose.append(description);
        }
        rows.append(choose);
      }
    }
    phone.sheet.hidden = false;
  }

  function botContent(phone, entry, bubble, under) {
    const body = (text) => {
      const div = document.createElement("div");
      div.className = "body";
      div.append(formatted(text));
      bubble.append(div);
    };
    if (entry.text) body(entry.text.body);
    if (entry.template) {
      const parameters = (entry.template.components || []).flatMap((c) => c.parameters || []);
      body("[template " + entry.template.name + "] " + parameters.map((p) => p.text).join(" "));
    }
    if (entry.document) {
      const link = document.createElement("a");
      link.className = "download";
      link.href = phone.person.api + "/control/media/" + encodeURIComponent(entry.document.id);
      link.download = entry.document.filename || "file";
      link.textContent = "📄 " + (entry.document.filename || "file");
      bubble.append(link);
    }
    if (entry.location) {
      const { name, address, latitude, longitude } = entry.location;
      body("📍 " + ([name, address].filter(Boolean).join(", ") || latitude + ", " + longitude));
    }
    const interactive = entry.interactive;
    if (!interactive) return;
    body(interactive.body.text);
    if (interactive.type === "button") {
      for (const choice of interactive.action.buttons) {
        under.append(button(choice.reply.title, () => control(phone, "press", { id: choice.reply.id })));
      }
    } else if (interactive.type === "list") {
      under.append(button("☰ " + interactive.action.button, () => openList(phone, interactive)));
    } else if (interactive.type === "location_request_message") {
      under.append(button("📍 Send location", () => { phone.locationPanel.hidden = false; }));
    }
  }

  function personContent(entry) {
    if (entry.text) return entry.text.body;
    if (entry.interactive) {
      const reply = entry.interactive.button_reply || entry.interactive.list_reply;
      return reply.title;
    }
    if (entry.location) return "📍 " + entry.location.latitude + ", " + entry.location.longitude;
    return "[" + entry.type + "]";
  }

  function render(phone, entry) {
    const fromBot = entry.direction === "out";
    const element = document.createElement("div");
    element.className = "msg " + (fromBot ? "from-bot" : "from-person");
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    const under = document.createElement("div");
    under.className = "inline-kb wa-buttons";
    if (fromBot) {
      botContent(phone, entry, bubble, under);
    } else {
      const div = document.createElement("div");
      div.className = "body";
      div.textContent = personContent(entry);
      bubble.append(div);
    }
    element.append(bubble);
    if (under.childElementCount) element.append(under);
    phone.chat.append(element);
    phone.root.classList.add("has-messages");
    phone.chat.scrollTop = phone.chat.scrollHeight;
  }

  async function poll(generation) {
    while (generation === wa.generation) {
      try {
        const query = new URLSearchParams({ after: wa.cursor, timeout: 25 });
        const response = await fetch("/playground/api/whatsapp/updates?" + query);
        if (!response.ok) throw new Error("HTTP " + response.status);
        const data = await response.json();
        if (generation !== wa.generation) return;
        for (const entry of data.entries) {
          for (const phone of wa.phones) render(phone, entry);
          wa.cursor = entry.seq;
        }
      } catch (err) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
    }
  }

  function load(state, container) {
    wa.generation += 1;
    wa.cursor = 0;
    wa.places = state.places;
    wa.phones = (state.whatsapp || []).map(build);
    for (const phone of wa.phones) container.append(phone.root);
    poll(wa.generation);
  }

  return { load };
})();
