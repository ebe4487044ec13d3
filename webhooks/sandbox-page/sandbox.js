// The sandbox page: pick a persona, chat with the bot through /sandbox/api,
// and see replies drawn like Telegram (inline buttons, edits in place) or
// Viber (a keyboard at the bottom, new messages only).
const $ = (selector) => document.querySelector(selector);
const state = { persona: null, after: 0, strings: {}, poll: null };

async function loadStrings(lang) {
  const response = await fetch(`/sandbox/api/strings?lang=${lang}`);
  state.strings = await response.json();
  for (const node of document.querySelectorAll("[data-s]"))
    node.textContent = state.strings[node.dataset.s] ?? node.textContent;
  for (const node of document.querySelectorAll("[data-s-placeholder]"))
    node.placeholder = state.strings[node.dataset.sPlaceholder] ?? "";
  document.documentElement.lang = lang;
}

const chatKey = () => `${state.persona.channel}:${state.persona.id}`;
const storageKey = () => `trm-sandbox:${chatKey()}`;

/** Links in a message (web addresses, and this server's /media/ and /sandbox/pay/ pages) are links, as in the apps. */
const LINK = /(https?:\/\/[^\s]+|\/(?:media|sandbox\/pay|pay)\/[^\s]+)/g;

function bubble(text, who, id) {
  const item = document.createElement("li");
  item.className = `msg ${who}`;
  if (id !== undefined) item.dataset.id = String(id);
  for (const [index, part] of text.split(LINK).entries()) {
    if (index % 2 === 0) {
      item.append(document.createTextNode(part));
      continue;
    }
    const link = document.createElement("a");
    link.href = part;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = part;
    item.append(link);
  }
  return item;
}

function renderBotMessage(message) {
  const node = bubble(message.text, "bot", message.id);
  node.dataset.testid = "bot-message";
  if (message.photo) {
    const image = document.createElement("img");
    image.src = message.photo;
    image.alt = "";
    node.prepend(image);
  }
  if (state.persona.channel === "tg" && message.buttons.length > 0) {
    const grid = document.createElement("div");
    grid.className = "inline";
    for (const row of message.buttons) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        let control;
        if (button.url) {
          control = document.createElement("a");
          control.href = button.url;
          control.target = "_blank";
          control.rel = "noopener";
        } else {
          control = document.createElement("button");
          control.type = "button";
          control.addEventListener("click", () =>
            send({ kind: "button", data: button.data, messageId: String(message.id) }, null),
          );
        }
        control.textContent = button.label;
        line.append(control);
      }
      grid.append(line);
    }
    node.append(grid);
  }
  const replaced = message.replaces === undefined ? null : $(`#messages [data-id="${message.replaces}"]`);
  if (replaced) {
    replaced.replaceWith(node);
  } else {
    $("#messages").append(node);
  }
  if (state.persona.channel === "vb" && message.buttons.length > 0) renderKeyboard(message.buttons);
  node.scrollIntoView({ block: "end" });
}

/** Viber shows the last keyboard sent; a row of n buttons shares the 6 columns. */
function renderKeyboard(rows) {
  const keyboard = $("#keyboard");
  keyboard.replaceChildren();
  for (const row of rows) {
    for (const button of row) {
      const control = document.createElement("button");
      control.type = "button";
      control.textContent = button.label;
      control.style.gridColumn = `span ${Math.floor(6 / Math.min(row.length, 3))}`;
      control.addEventListener("click", () => {
        if (button.url) window.open(button.url, "_blank", "noopener");
        else send({ kind: "button", data: button.data }, button.label);
      });
      keyboard.append(control);
    }
  }
}

function show(items) {
  for (const item of items) {
    if (item.id <= state.after) continue;
    renderBotMessage(item);
    state.after = Math.max(state.after, item.id);
  }
}

async function send(event, echo) {
  if (echo) $("#messages").append(bubble(echo, "me"));
  const eventId = crypto.randomUUID();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const response = await fetch("/sandbox/api/events", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ persona: state.persona, eventId, event }),
      });
      const body = await response.json();
      // Refused (too long, not allowed): say so, do not retry; only an unreachable or failing server is retried.
      if (response.status >= 400 && response.status < 500) {
        $("#status").textContent = state.strings.refused ?? "";
        return;
      }
      if (!response.ok) throw new Error(body.error?.message ?? String(response.status));
      // Telegram's toast for a pressed button (a stale one gets only this): shown in the status line for a moment.
      $("#status").textContent = body.notice ?? "";
      if (body.notice) setTimeout(() => ($("#status").textContent = ""), 3000);
      show(body.items);
      return;
    } catch {
      $("#status").textContent = state.strings.failed ?? "";
      await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
    }
  }
}

async function poll() {
  if (!state.persona) return;
  try {
    const response = await fetch(`/sandbox/api/messages?chat=${encodeURIComponent(chatKey())}&after=${state.after}`);
    if (response.ok) show((await response.json()).items);
  } catch {
    // The next poll tries again.
  }
}

async function openChat(persona, payload) {
  state.persona = persona;
  state.after = 0;
  document.body.classList.toggle("vb", persona.channel === "vb");
  await loadStrings(persona.language);
  $("#persona").hidden = true;
  $("#chat").hidden = false;
  $("#switch").hidden = false;
  $("#who").textContent = `${persona.channel === "tg" ? "Telegram" : "Viber"} · ${persona.name} · ${persona.id}`;
  $("#messages").replaceChildren();
  $("#keyboard").replaceChildren();
  const seen = localStorage.getItem(storageKey());
  localStorage.setItem(storageKey(), "1");
  await poll();
  // First time: Telegram sends /start, Viber opens the conversation (conversation_started).
  // A first contact may come through an invite or job link: its code is the start payload.
  if (!seen)
    await send(
      { kind: "start", payload: payload || undefined },
      persona.channel === "tg" ? `/start${payload ? ` ${payload}` : ""}` : null,
    );
  clearInterval(state.poll);
  state.poll = setInterval(poll, 2000);
}

$("#persona").addEventListener("submit", (submit) => {
  submit.preventDefault();
  const form = new FormData(submit.target);
  void openChat(
    {
      channel: form.get("channel"),
      id: String(form.get("id")).trim(),
      name: String(form.get("name")).trim(),
      language: form.get("language"),
    },
    String(form.get("payload") ?? "").trim(),
  );
});

$("#compose").addEventListener("submit", (submit) => {
  submit.preventDefault();
  const text = $("#text").value.trim();
  if (!text) return;
  $("#text").value = "";
  void send(
    text.startsWith("/start") ? { kind: "start", payload: text.slice(6).trim() || undefined } : { kind: "text", text },
    text,
  );
});

$("#file").addEventListener("change", async () => {
  const file = $("#file").files[0];
  $("#file").value = "";
  if (!file) return;
  if (file.size > 10 * 1024 * 1024) {
    $("#status").textContent = state.strings.too_big ?? "";
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const kind = file.type.startsWith("image/") ? "photo" : "file";
  void send(
    { kind, name: file.name, mime: file.type || "application/octet-stream", dataBase64: btoa(binary) },
    `📎 ${file.name}`,
  );
});

// Sample card photos for trying KYC: sent like a photo picked from the phone.
for (const button of document.querySelectorAll("[data-sample]")) {
  button.addEventListener("click", async () => {
    const name = button.dataset.sample;
    const bytes = new Uint8Array(await (await fetch(`/sandbox/samples/${name}.png`)).arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    void send(
      { kind: "photo", name: `${name}.png`, mime: "image/png", dataBase64: btoa(binary) },
      `📷 ${button.textContent}`,
    );
  });
}

$("#switch").addEventListener("click", () => {
  clearInterval(state.poll);
  state.persona = null;
  $("#chat").hidden = true;
  $("#persona").hidden = false;
  $("#switch").hidden = true;
});

const randomId = () => String(900000000 + Math.floor(Math.random() * 99999999));
$("#persona").elements.id.value = randomId();
$("#persona").elements.name.value = "Test User";
void loadStrings("en");
