// Samen playground: each person is a phone; every action goes through the emulator's
// control API (/control/...), and one long poll (/playground/api/updates) follows all
// the chats. Bot texts arrive as plain text plus Telegram entities, and are rendered
// with DOM nodes only (never innerHTML), so nothing the bot or a person sends can
// inject markup.
"use strict";

const ROLES = { resident: "Resident", volunteer: "Volunteer", coordinator: "Coordinator" };
const LANGUAGES = { nl: "Nederlands", en: "English" };
const SAFE_LINK = /^(https?:|tg:|mailto:)/i;
const TOAST_SECONDS = 4;

const app = { epoch: null, cursor: 0, places: [], phones: new Map() };

// ------------------------------------------------------------------ talking to the server

async function control(phone, path, body) {
  phone.error.hidden = true;
  try {
    const response = await fetch("/control/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user_id: phone.person.user_id, ...body }),
    });
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      showError(phone, data.error || "That did not work (" + response.status + ").");
      return false;
    }
    return true;
  } catch (err) {
    showError(phone, "The playground is not reachable. Is it still running?");
    return false;
  }
}

function showError(phone, text) {
  phone.error.textContent = text;
  phone.error.hidden = false;
}

function sendText(phone, text) {
  return control(phone, "send", { kind: "text", text });
}

function sendLocation(phone, latitude, longitude) {
  const via = phone.locationVia;
  phone.locationVia = null;
  phone.locationPanel.hidden = true;
  if (via) return control(phone, "reply_button", { text: via, latitude, longitude });
  return control(phone, "send", { kind: "location", latitude, longitude });
}

function sendContact(phone) {
  const via = phone.contactVia;
  phone.contactVia = null;
  phone.contactPanel.hidden = true;
  const phone_number = phone.person.phone;
  if (via) return control(phone, "reply_button", { text: via, phone_number });
  return control(phone, "send", {
    kind: "contact",
    phone_number,
    contact_user_id: phone.person.user_id,
  });
}

async function poll() {
  for (;;) {
    try {
      const query = new URLSearchParams({ after: app.cursor, epoch: app.epoch, timeout: 25 });
      const response = await fetch("/playground/api/updates?" + query);
      if (!response.ok) throw new Error("HTTP " + response.status);
      const data = await response.json();
      setStatus(true);
      if (data.reset) {
        await load();
        continue;
      }
      for (const entry of data.entries) apply(entry);
      app.cursor = data.cursor;
      for (const [chatId, keyboard] of Object.entries(data.keyboards || {})) {
        const phone = app.phones.get(Number(chatId));
        if (phone) showKeyboard(phone, keyboard);
      }
    } catch (err) {
      setStatus(false);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
}

function setStatus(live) {
  const status = document.getElementById("status");
  status.textContent = live ? "Live" : "Reconnecting…";
  status.className = "status " + (live ? "live" : "offline");
}

// ------------------------------------------------------------------ building the phones

async function load() {
  const response = await fetch("/playground/api/state");
  if (!response.ok) throw new Error("HTTP " + response.status);
  const state = await response.json();
  setStatus(true);
  app.epoch = state.epoch;
  app.cursor = 0;
  app.places = state.places;
  const container = document.getElementById("phones");
  container.replaceChildren();
  app.phones.clear();
  for (const person of state.people) {
    const phone = buildPhone(person);
    app.phones.set(person.user_id, phone);
    container.append(phone.root);
  }
  window.samenWhatsApp.load(state, container);
}

function buildPhone(person) {
  const root = document.getElementById("phone-template").content.firstElementChild.cloneNode(true);
  const $ = (selector) => root.querySelector(selector);
  root.dataset.person = person.key;
  root.dataset.role = person.role;
  $(".avatar").textContent = person.first_name.slice(0, 1);
  $(".name").textContent = person.first_name;
  $(".role").textContent =
    (ROLES[person.role] || person.role) + " · " + (LANGUAGES[person.language_code] || "");
  $(".empty-text").textContent =
    person.first_name + " has not talked to Samen yet. Tap Start, as a new Telegram user would.";
  const phone = {
    person,
    root,
    chat: $(".chat"),
    toasts: $(".toasts"),
    keyboard: $(".keyboard"),
    error: $(".error"),
    locationPanel: $(".location-panel"),
    contactPanel: $(".contact-panel"),
    messages: new Map(),
    keyboardJson: "null",
    locationVia: null,
    contactVia: null,
  };
  $(".start").addEventListener("click", () => sendText(phone, "/start"));
  const input = $(".text");
  $(".input-row").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (await sendText(phone, text)) input.value = "";
    input.focus();
  });
  $(".tool-location").addEventListener("click", () => openLocation(phone, null));
  $(".tool-contact").addEventListener("click", () => openContact(phone, null));
  for (const place of app.places) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "place";
    button.textContent = "📍 " + place.name;
    button.addEventListener("click", () => sendLocation(phone, place.latitude, place.longitude));
    phone.locationPanel.querySelector(".places").append(button);
  }
  phone.locationPanel.querySelector(".send-coords").addEventListener("click", () => {
    const latitude = Number(phone.locationPanel.querySelector(".lat").value.replace(",", "."));
    const longitude = Number(phone.locationPanel.querySelector(".lon").value.replace(",", "."));
    const valid =
      Number.isFinite(latitude) && Number.isFinite(longitude) &&
      Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
    if (!valid) {
      showError(phone, "Type a latitude (−90 to 90) and a longitude (−180 to 180), e.g. 52.3565 and 4.6215.");
      return;
    }
    sendLocation(phone, latitude, longitude);
  });
  $(".contact-number").textContent = person.phone;
  phone.contactPanel.querySelector(".share-contact").addEventListener("click", () => sendContact(phone));
  for (const cancel of root.querySelectorAll(".panel .cancel")) {
    cancel.addEventListener("click", () => {
      phone.locationPanel.hidden = true;
      phone.contactPanel.hidden = true;
      phone.locationVia = phone.contactVia = null;
    });
  }
  return phone;
}

function openLocation(phone, via) {
  phone.contactPanel.hidden = true;
  phone.locationVia = via;
  phone.locationPanel.hidden = false;
}

function openContact(phone, via) {
  phone.locationPanel.hidden = true;
  phone.contactVia = via;
  phone.contactPanel.hidden = false;
}

// ------------------------------------------------------------------ showing what happened

function apply(entry) {
  const phone = app.phones.get(entry.chat_id);
  if (!phone) return;
  if (entry.direction === "toast") {
    showToast(phone, entry);
    return;
  }
  const existing = phone.messages.get(entry.message_id);
  if (entry.deleted) {
    if (existing) existing.remove();
    phone.messages.delete(entry.message_id);
    return;
  }
  const atBottom = phone.chat.scrollHeight - phone.chat.scrollTop - phone.chat.clientHeight < 80;
  const element = renderMessage(phone, entry);
  if (existing) {
    existing.replaceWith(element);
    element.classList.add("updated");
  } else {
    phone.chat.append(element);
  }
  phone.messages.set(entry.message_id, element);
  phone.root.classList.add("has-messages");
  if (!existing || atBottom) phone.chat.scrollTop = phone.chat.scrollHeight;
}

function renderMessage(phone, entry) {
  const fromBot = entry.direction === "out";
  const element = document.createElement("div");
  element.className = "msg " + (fromBot ? "from-bot" : "from-person");
  element.dataset.messageId = entry.message_id;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  renderAttachment(bubble, entry);
  const text = entry.text ?? entry.caption;
  if (text) {
    const body = document.createElement("div");
    body.className = "body";
    body.append(renderEntities(phone, text, entry.entities || []));
    bubble.append(body);
  }
  const meta = document.createElement("span");
  meta.className = "meta";
  if (entry.edited) {
    const edited = document.createElement("span");
    edited.className = "edited";
    edited.textContent = "edited";
    meta.append(edited);
  }
  const time = new Date(entry.date * 1000);
  meta.append(time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }));
  bubble.append(meta);
  element.append(bubble);
  const rows = (entry.reply_markup && entry.reply_markup.inline_keyboard) || [];
  if (fromBot && rows.length) element.append(renderInlineKeyboard(phone, entry, rows));
  return element;
}

function fileUrl(fileId) {
  return "/control/files/" + encodeURIComponent(fileId);
}

function renderAttachment(bubble, entry) {
  const line = (text) => {
    const div = document.createElement("div");
    div.className = "attachment";
    div.textContent = text;
    bubble.append(div);
  };
  if (entry.photo && entry.photo.length) {
    const img = document.createElement("img");
    img.className = "photo";
    img.alt = "Photo";
    img.src = fileUrl(entry.photo[entry.photo.length - 1].file_id);
    bubble.append(img);
  } else if (entry.document) {
    const doc = entry.document;
    const file = document.createElement("div");
    file.className = "file";
    const icon = document.createElement("div");
    icon.className = "file-icon";
    icon.textContent = "📄";
    const info = document.createElement("div");
    const name = document.createElement("div");
    name.className = "file-name";
    name.textContent = doc.file_name || "file";
    const link = document.createElement("a");
    link.href = fileUrl(doc.file_id);
    link.download = doc.file_name || "file";
    link.className = "download";
    link.textContent = "Download (" + formatSize(doc.file_size || 0) + ")";
    info.append(name, link);
    file.append(icon, info);
    bubble.append(file);
  } else if (entry.venue) {
    line("📍 " + entry.venue.title + ", " + entry.venue.address);
  } else if (entry.location) {
    const { latitude, longitude } = entry.location;
    const place = app.places.find((p) => p.latitude === latitude && p.longitude === longitude);
    line("📍 Location: " + (place ? place.name : latitude.toFixed(4) + ", " + longitude.toFixed(4)));
  } else if (entry.contact) {
    line("👤 " + (entry.contact.first_name || "") + " · " + entry.contact.phone_number);
  } else if (entry.kind && entry.kind !== "text") {
    line("[" + entry.kind + "]");
  }
}

function formatSize(bytes) {
  if (bytes < 1024) return bytes + " bytes";
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
  return (bytes / 1024 / 1024).toFixed(1) + " MB";
}

function renderInlineKeyboard(phone, entry, rows) {
  const keyboard = document.createElement("div");
  keyboard.className = "inline-kb";
  for (const row of rows) {
    const line = document.createElement("div");
    line.className = "row";
    for (const button of row) {
      if (button.url !== undefined) {
        const link = document.createElement("a");
        link.className = "inline-btn";
        link.textContent = button.text + " ↗";
        if (SAFE_LINK.test(button.url)) {
          link.href = button.url;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
        }
        line.append(link);
        continue;
      }
      const element = document.createElement("button");
      element.type = "button";
      element.className = "inline-btn";
      element.textContent = button.text;
      if (button.callback_data !== undefined) {
        element.addEventListener("click", async () => {
          element.classList.add("busy");
          await control(phone, "press", {
            message_id: entry.message_id,
            callback_data: button.callback_data,
          });
          setTimeout(() => element.classList.remove("busy"), 600);
        });
      } else {
        element.disabled = true;
      }
      line.append(element);
    }
    keyboard.append(line);
  }
  return keyboard;
}

function showKeyboard(phone, keyboard) {
  const json = JSON.stringify(keyboard);
  if (json === phone.keyboardJson) return;
  phone.keyboardJson = json;
  phone.keyboard.replaceChildren();
  const input = phone.root.querySelector(".text");
  input.placeholder = (keyboard && keyboard.input_field_placeholder) || "Write a message";
  for (const row of (keyboard && keyboard.keyboard) || []) {
    const line = document.createElement("div");
    line.className = "row";
    for (const raw of row) {
      const button = typeof raw === "string" ? { text: raw } : raw;
      const element = document.createElement("button");
      element.type = "button";
      element.className = "kb-btn";
      element.textContent = button.text;
      if (button.request_contact) {
        element.classList.add("request");
        element.title = "Shares your phone number";
        element.addEventListener("click", () => openContact(phone, button.text));
      } else if (button.request_location) {
        element.classList.add("request");
        element.title = "Shares a location";
        element.addEventListener("click", () => openLocation(phone, button.text));
      } else {
        element.addEventListener("click", () =>
          control(phone, "reply_button", { text: button.text }),
        );
      }
      line.append(element);
    }
    phone.keyboard.append(line);
  }
}

function showToast(phone, entry) {
  if (!entry.text) return; // an answer without text shows nothing in Telegram either
  phone.toasts.replaceChildren(); // like Telegram: one notice at a time
  const toast = document.createElement("div");
  toast.className = "toast" + (entry.show_alert ? " alert" : "");
  toast.textContent = entry.text;
  phone.toasts.append(toast);
  if (entry.show_alert) {
    const ok = document.createElement("button");
    ok.type = "button";
    ok.className = "primary";
    ok.textContent = "OK";
    ok.addEventListener("click", () => toast.remove());
    toast.append(ok);
    return;
  }
  setTimeout(() => toast.classList.add("fading"), TOAST_SECONDS * 1000);
  setTimeout(() => toast.remove(), TOAST_SECONDS * 1000 + 500);
}

// Telegram entities -> DOM. Offsets are UTF-16 code units, like JavaScript strings.
function renderEntities(phone, text, entities) {
  const sorted = entities
    .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  const fragment = document.createDocumentFragment();
  build(phone, fragment, text, 0, text.length, sorted);
  return fragment;
}

function build(phone, parent, text, start, end, entities) {
  let position = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    const from = Math.max(entity.offset, position);
    const to = Math.min(entity.offset + entity.length, end);
    let j = i + 1;
    const inner = [];
    while (j < entities.length && entities[j].offset < entity.offset + entity.length) {
      inner.push(entities[j]);
      j++;
    }
    if (from < to) {
      if (from > position) parent.append(text.slice(position, from));
      const element = elementFor(phone, entity, text.slice(from, to));
      build(phone, element, text, from, to, inner);
      parent.append(element);
      position = to;
    }
    i = j;
  }
  if (position < end) parent.append(text.slice(position, end));
}

function elementFor(phone, entity, content) {
  const tags = {
    bold: "strong",
    italic: "em",
    underline: "u",
    strikethrough: "s",
    code: "code",
    pre: "pre",
    blockquote: "blockquote",
    expandable_blockquote: "blockquote",
  };
  if (tags[entity.type]) return document.createElement(tags[entity.type]);
  const link = (href) => {
    const a = document.createElement("a");
    if (SAFE_LINK.test(href)) {
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    return a;
  };
  if (entity.type === "text_link") return link(entity.url || "");
  if (entity.type === "url") return link(/^[a-z]+:/i.test(content) ? content : "https://" + content);
  if (entity.type === "email") return link("mailto:" + content);
  if (entity.type === "phone_number") {
    const a = document.createElement("a");
    a.href = "tel:" + content.replace(/[^+\d]/g, "");
    return a;
  }
  const span = document.createElement("span");
  if (entity.type === "spoiler") {
    span.className = "spoiler";
    span.addEventListener("click", () => span.classList.add("shown"));
  } else if (entity.type === "bot_command") {
    span.className = "command";
    span.addEventListener("click", () => sendText(phone, content));
  }
  return span;
}

// ------------------------------------------------------------------ start

function setUpReset() {
  const dialog = document.getElementById("reset-dialog");
  const button = document.getElementById("reset");
  button.addEventListener("click", () => dialog.showModal());
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "reset") return;
    button.disabled = true;
    button.textContent = "Starting again…";
    try {
      await fetch("/playground/api/reset", { method: "POST" });
    } finally {
      button.disabled = false;
      button.textContent = "↺ Start again";
    }
  });
}

async function main() {
  setUpReset();
  await load();
  poll();
}

main();
