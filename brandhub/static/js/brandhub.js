// BrandHub's few interactive parts, in plain modern JavaScript (no build step):
// the phone menu, dropdown menus, toasts, the confirm dialog, photo zoom, auto-submitting
// filters, the upload drop zone, the asset page's panels and its free-size download.
"use strict";

// Styles that fold things away (the phone menu) apply only when this script runs.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  initMainMenu();
  initMenus();
  initToasts();
  initConfirm();
  initZoom();
  initAutosubmit();
  document.querySelectorAll("[data-dropzone]").forEach(initDropzone);
});

// ---------- The main menu on narrow screens: a disclosure button ----------
function initMainMenu() {
  const toggle = document.querySelector("[data-menu-toggle]");
  const nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!toggle || !nav) return;
  const set = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("is-open", open);
  };
  toggle.addEventListener("click", () => set(toggle.getAttribute("aria-expanded") !== "true"));
  nav.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || toggle.getAttribute("aria-expanded") !== "true") return;
    set(false);
    toggle.focus();
  });
}

// ---------- Dropdown menus (details.menu): one open at a time, Escape, inside the screen ----------
const MENU_MARGIN = 8;

function fitMenu(list) {
  // Start from the stylesheet's side, then move the list back inside the viewport.
  list.classList.remove("menu__list--end");
  list.style.removeProperty("left");
  list.style.removeProperty("right");
  const width = document.documentElement.clientWidth;
  let box = list.getBoundingClientRect();
  if (box.right > width - MENU_MARGIN) {
    list.classList.add("menu__list--end");
    box = list.getBoundingClientRect();
  }
  if (box.left < MENU_MARGIN) {
    const parent = list.offsetParent?.getBoundingClientRect() || { left: 0 };
    list.style.left = `${MENU_MARGIN - parent.left}px`;
    list.style.right = "auto";
  }
}

function initMenus() {
  const menus = [...document.querySelectorAll("details.menu")];
  menus.forEach((menu) => {
    const list = menu.querySelector(".menu__list");
    menu.addEventListener("toggle", () => {
      if (!menu.open) return;
      menus.forEach((other) => { if (other !== menu && other.open && !other.contains(menu)) other.open = false; });
      if (list) fitMenu(list);
    });
    menu.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !menu.open) return;
      menu.open = false;
      menu.querySelector("summary")?.focus();
    });
  });
  document.addEventListener("click", (event) => {
    menus.forEach((menu) => { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });
  window.addEventListener("resize", () => {
    menus.forEach((menu) => { if (menu.open) { const list = menu.querySelector(".menu__list"); if (list) fitMenu(list); } });
  });
}

// A new element with its class and text (either may be left out).
function element(tag, className = "", text = null) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null) node.textContent = text;
  return node;
}

function initToasts() {
  document.querySelectorAll("[data-toast]").forEach(armToast);
}

function armToast(toast) {
  const close = () => toast.remove();
  toast.querySelector("[data-toast-close]")?.addEventListener("click", close);
  // Messages in the page's flow stay until closed (one that vanished would move the page
  // under the pointer); a script's short confirmation beside its control goes by itself.
  if (toast.classList.contains("toast--inline") && !toast.classList.contains("toast--error")) {
    setTimeout(close, 6000);
  }
}

// A message about what a control did, shown right after ``anchor`` (in the flow, never over
// anything), or at the top of the content without one.
function showToast(message, kind = "info", anchor = null) {
  const region = document.querySelector("[data-toasts]");
  const toast = element("div", `toast toast--${kind}${anchor ? " toast--inline" : ""}`);
  toast.dataset.toast = "";
  toast.setAttribute("role", kind === "error" ? "alert" : "status");
  const text = element("span", "", message);
  const close = element("button", "toast__close", "×");
  close.type = "button";
  close.dataset.toastClose = "";
  close.setAttribute("aria-label", region?.dataset.msgClose || "×");
  toast.append(text, close);
  if (anchor) {
    anchor.parentElement.querySelectorAll(":scope > .toast--inline").forEach((old) => old.remove());
    anchor.after(toast);
  } else if (region) {
    region.append(toast);
  } else {
    return;
  }
  armToast(toast);
}

function initConfirm() {
  const dialog = document.getElementById("confirm-dialog");
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.confirmed === "1" || !dialog?.showModal) return;
      event.preventDefault();
      dialog.querySelector("[data-confirm-text]").textContent = form.dataset.confirm;
      dialog.returnValue = "";
      dialog.showModal();
      dialog.addEventListener("close", () => {
        if (dialog.returnValue === "confirm") {
          form.dataset.confirmed = "1";
          form.requestSubmit();
        }
      }, { once: true });
    });
  });
}

function initZoom() {
  document.querySelectorAll("[data-zoom]").forEach((button) => {
    button.addEventListener("click", () => {
      const on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(on));
    });
  });
}

function initAutosubmit() {
  document.querySelectorAll("[data-autosubmit]").forEach((input) => {
    input.addEventListener("change", () => input.form?.requestSubmit());
  });
}

// ---------- Upload drop zone: queued files, parallel uploads, per-file state ----------
//
// A file's row goes: waiting (until "Upload N files" is pressed, where the zone queues) →
// uploading (its bytes, with a bar) → processing (the server reads, checks and files it;
// then, for large files, the previews, asked for until ready) → done; or refused, with the
// brand's report, and a Retry button only when trying again can succeed (a dropped
// connection, a busy server: not a brand refusal or a bad file). The total counts files
// really done, and every [data-asset-count] on the page follows the server's count.
//
// The bytes go over tus (tus-js-client, served from static/vendor) to /api/v1/uploads in
// chunks of data-chunk-bytes: a failed chunk is tried again after RETRY_DELAYS; while the
// browser is offline the row says so ("offline" state) and the upload goes on from the
// server's offset when the connection is back. The upload's address is kept in
// localStorage under the file's fingerprint, so the same file dropped again after a reload
// sends only what the server is still missing. Without the tus client the whole file goes
// in one form post to data-action, as the page's plain form does.

const PARALLEL_UPLOADS = 3;
const PROCESSING_POLL_MS = 1500;
// Waits (ms) before each new try of a request that failed while the browser is online.
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

// What identifies a file and what it is sent with (its fields, its event), so a file
// dropped again resumes its own upload and not one with other details. FNV-1a: this runs
// on plain HTTP too, where SubtleCrypto is missing.
function uploadFingerprint(file, endpoint, metadata) {
  const text = JSON.stringify([endpoint, file.name, file.type, file.size, file.lastModified, metadata]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return `brandhub-${file.size}-${file.lastModified}-${hash.toString(16)}`;
}

// A JSON answer, asked again (after a pause) while the connection is away, the server busy
// or the status one of ``again``; null for an answer that will not change (a 4xx).
async function fetchJson(url, options = {}, again = []) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const response = await fetch(url, { ...options, headers: { Accept: "application/json", ...options.headers } });
      if (response.ok) return await response.json();
      if (response.status < 500 && response.status !== 429 && !again.includes(response.status)) return null;
    } catch (err) {
      // offline or dropped: ask again
    }
    await new Promise((wait) => setTimeout(wait, Math.min(PROCESSING_POLL_MS * (attempt + 1), 15000)));
  }
}

// "{n} files" from data-<name>-one / data-<name>-other (Spanish and English plurals).
function plural(dataset, name, n, values = {}) {
  const key = (form) => (name ? `${name}${form[0].toUpperCase()}${form.slice(1)}` : form);
  const template = dataset[key(n === 1 ? "one" : "other")] || "";
  const lang = document.documentElement.lang || undefined;
  let text = template.replaceAll("{n}", n.toLocaleString(lang));
  for (const [key, value] of Object.entries(values)) {
    text = text.replaceAll(`{${key}}`, Number(value).toLocaleString(lang));
  }
  return text;
}

function updateAssetCounts(total) {
  if (typeof total !== "number") return;
  document.querySelectorAll("[data-asset-count]").forEach((node) => {
    node.textContent = plural(node.dataset, "", total) || String(total);
  });
}

function initDropzone(zone) {
  if (zone.dataset.dropzone === "submit") return initSubmitDropzone(zone);
  const list = zone.querySelector(".dropzone__list");
  const cards = zone.querySelector(".dropzone__cards");
  const total = zone.querySelector(".dropzone__total");
  const start = zone.querySelector("[data-upload-start]");
  const form = zone.closest("form");
  const msg = zone.dataset;
  const queued = "queue" in zone.dataset;
  const resumable = Boolean(msg.tusEndpoint && window.tus?.isSupported);
  const waiting = [];  // picked, not sent yet (until the start button)
  const queue = [];  // to send now
  const running = new Set();  // tus uploads under way
  const offline = new Set();  // of those, the ones waiting for the connection
  let active = 0;
  let done = 0;
  let refused = 0;
  let count = 0;

  const updateTotal = () => {
    const sent = count - waiting.length;
    total.hidden = sent === 0;
    let text = plural(msg, "msgTotal", sent, { done, total: sent });
    if (refused) text += ` · ${plural(msg, "msgRefused", refused)}`;
    if (offline.size) text += ` · ${msg.msgOffline}`;
    total.textContent = text;
    if (start) {
      start.hidden = waiting.length === 0;
      start.querySelector("[data-upload-start-label]").textContent = plural(msg, "msgStart", waiting.length);
    }
  };

  const pump = () => {
    while (active < PARALLEL_UPLOADS && queue.length) {
      const item = queue.shift();
      active += 1;
      send(item).finally(() => {
        active -= 1;
        pump();
      });
    }
  };

  const setState = (item, state, text) => {
    item.row.dataset.state = state;
    item.row.classList.toggle("is-done", state === "done");
    item.row.classList.toggle("is-failed", state === "refused" || state === "failed");
    item.state.textContent = text;
  };

  const enqueue = (files) => {
    for (const file of files) {
      const row = element("li", "upload-item");
      const name = element("span", "upload-item__name", file.webkitRelativePath || file.name);
      const state = element("span", "upload-item__state");
      const bar = element("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      row.append(name, state, bar);
      list.append(row);
      const item = { file, row, state, bar };
      count += 1;
      if (queued) {
        setState(item, "waiting", msg.msgWaiting);
        const remove = element("button", "btn btn--ghost btn--small upload-item__remove", msg.msgRemove);
        remove.type = "button";
        remove.setAttribute("aria-label", `${msg.msgRemove}: ${file.name}`);
        remove.addEventListener("click", () => {
          waiting.splice(waiting.indexOf(item), 1);
          row.remove();
          count -= 1;
          updateTotal();
        });
        row.append(remove);
        item.remove = remove;
        waiting.push(item);
      } else {
        setState(item, "uploading", `${msg.msgUploading} 0 %`);
        queue.push(item);
      }
    }
    updateTotal();
    pump();
  };

  start?.addEventListener("click", () => {
    for (const item of waiting.splice(0)) {
      item.remove?.remove();
      setState(item, "uploading", `${msg.msgUploading} 0 %`);
      queue.push(item);
    }
    updateTotal();
    pump();
  });

  const send = (item) => (resumable ? sendResumable(item) : sendForm(item));

  // A finished upload's answer: the count, the previews (asked for until made), the row
  // and the new card, and a note when it looks like an asset already there.
  const showUploaded = async (item, body) => {
    updateAssetCounts(body.total);
    if (body.state === "processing" && body.status_url) {
      setState(item, "processing", msg.msgProcessing);
      body = { ...body, ...(await untilProcessed(body.status_url)) };
    }
    markDone(item, msg.msgDone, body.url, body.message);
    addCard(cards, body);
    if (body.similar_message && body.similar?.length) {  // a near duplicate: say which
      const note = element("a", "upload-item__similar", body.similar_message);
      note.href = body.similar[0].url;
      item.row.append(note);
    }
  };

  const assetUrl = (id) => msg.assetUrl.replace("{id}", String(id));

  // ----- tus: the file in chunks, resumed after a dropped connection or a reload -----
  const metadataFor = (file) => {
    const metadata = {};
    if (form) {
      for (const [key, value] of new FormData(form).entries()) {
        if (typeof value === "string" && value.trim() && key !== "csrf_token") metadata[key] = value;
      }
    }
    metadata.filename = file.name;
    if (msg.event) metadata.event = msg.event;
    return metadata;
  };

  // Whether tus-js-client should try a failed request again by itself: not while offline
  // (the "online" event resumes it), and not what the server refused for good.
  const shouldRetry = (err) => {
    if (!navigator.onLine) return false;
    const status = err.originalResponse?.getStatus() || 0;
    if (status === 409) return errorOf(err).code !== "duplicate";  // an offset to ask again
    return status === 0 || status === 423 || status >= 500;
  };

  const errorOf = (err) => {
    try {
      return JSON.parse(err.originalResponse?.getBody() || "{}").error || {};
    } catch (parseError) {
      return {};
    }
  };

  const makeUpload = (item) => {
    const metadata = metadataFor(item.file);
    return new window.tus.Upload(item.file, {
      endpoint: msg.tusEndpoint,
      chunkSize: Number(msg.chunkBytes) || DEFAULT_CHUNK_BYTES,
      retryDelays: RETRY_DELAYS,
      // The creation carries no bytes: one cut while it is under way leaves no upload
      // behind that the person's count of unfinished ones would keep for a day.
      uploadDataDuringCreation: false,
      removeFingerprintOnSuccess: true,
      metadata,
      headers: { "X-CSRFToken": msg.csrf },
      fingerprint: (file) => Promise.resolve(uploadFingerprint(file, msg.tusEndpoint, metadata)),
      onShouldRetry: shouldRetry,
      onProgress: (sent, size) => progressed(item, sent, size),
      onSuccess: ({ lastResponse }) => finished(item, lastResponse),
      onError: (err) => failed(item, err),
    });
  };

  // Forget the stored address of a file whose upload the server ended (refused, duplicate).
  const forget = (item) => {
    const upload = item.upload;
    upload?.findPreviousUploads()
      .then((previous) => previous.forEach((p) => upload.options.urlStorage.removeUpload(p.urlStorageKey)))
      .catch(() => {});
  };

  const settle = (item) => {
    item.sending = false;
    running.delete(item);
    offline.delete(item);
    updateTotal();
    const resolve = item.settle;
    item.settle = null;
    resolve?.();
  };

  const sendResumable = (item) => new Promise((resolve) => {
    item.settle = resolve;
    item.sending = true;  // until tus-js-client says it succeeded or gave up
    running.add(item);
    if (item.upload?.url) {  // Retry: the server's offset, then the bytes still missing
      item.upload.start();
      return;
    }
    item.upload = makeUpload(item);  // new, or its creation failed: the fields as they are now
    const upload = item.upload;
    // Two rows of one file on this page: the second gets its own upload, not the first's.
    const same = (a, b) => a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;
    const twin = [...running].some((other) => other !== item && same(other.file, item.file));
    upload.findPreviousUploads().then((previous) => {
      // The same file dropped again (after a reload): go on from what the server has.
      const last = previous
        .sort((a, b) => Date.parse(a.creationTime) - Date.parse(b.creationTime))
        .at(-1);
      if (last && !twin) upload.resumeFromPreviousUpload(last);
      upload.start();
    }, () => upload.start());
  });

  const progressed = (item, sent, size) => {
    if (!size || !running.has(item)) return;
    const pct = Math.min(100, Math.floor((sent / size) * 100));
    if (offline.has(item)) {
      item.bar.value = pct;
      return;
    }
    if (sent >= size) {  // every byte is sent: the server now reads, checks and files it
      item.bar.removeAttribute("value");
      setState(item, "processing", msg.msgProcessing);
      return;
    }
    if (item.row.dataset.state !== "uploading") setState(item, "uploading", "");
    item.bar.value = pct;
    item.state.textContent = `${msg.msgUploading} ${pct} %`;
  };

  const goOffline = (item) => {
    if (offline.has(item)) return;
    offline.add(item);
    item.before = { state: item.row.dataset.state, text: item.state.textContent };
    setState(item, "offline", msg.msgOffline);
    updateTotal();
  };

  // The browser lost its connection: stop what is being sent rather than wait on a dead
  // request (it can hang for minutes); the server keeps what arrived, and the "online"
  // event goes on from there.
  window.addEventListener("offline", () => running.forEach((item) => {
    if (!item.sending) return;  // its bytes are in: what is left asks again by itself
    item.stopped = true;
    item.upload.abort();
    goOffline(item);
  }));
  window.addEventListener("online", () => {
    for (const item of [...offline]) {
      offline.delete(item);
      setState(item, item.before.state, item.before.text);
      if (item.stopped) {
        item.stopped = false;
        item.sending = true;
        item.upload.start();  // asks the server's offset, then sends the rest
      }
    }
    updateTotal();
  });

  const finished = async (item, response) => {
    item.sending = false;
    item.bar.removeAttribute("value");
    setState(item, "processing", msg.msgProcessing);
    const id = new URL(item.upload.url, window.location.href).pathname.split("/").pop();
    // 409: the last byte is in but the server is still filing it (an answer lost offline).
    const body = await fetchJson(msg.resultUrl.replace("{id}", encodeURIComponent(id)), {}, [409]);
    const asset = /\/assets\/(\d+)/.exec(response?.getHeader("BrandHub-Asset") || "");
    if (body) {
      await showUploaded(item, body);
    } else if (asset) {  // the page's view of it is gone (expired): still say where it is
      markDone(item, msg.msgDone, assetUrl(asset[1]));
    } else {  // ended while the answer was lost: sending it again tells what happened
      item.upload = null;
      markFailed(item, msg.msgNetwork, {}, true);
    }
    settle(item);
  };

  const failed = async (item, err) => {
    item.sending = false;
    const status = err.originalResponse?.getStatus() || 0;
    if (!status && !navigator.onLine) {  // resumed by the "online" event
      item.stopped = true;
      goOffline(item);
      return;
    }
    const error = errorOf(err);
    if (status === 409 && error.code === "duplicate") {
      forget(item);
      const answer = await fetchJson(msg.totalUrl);  // it may have joined this event
      updateAssetCounts(answer?.total);
      markDone(item, msg.msgDuplicate, error.existing_id ? assetUrl(error.existing_id) : null);
      settle(item);
      return;
    }
    const retryable = error.retryable === true || error.code === "validation"
      || status === 0 || status >= 500 || status === 429 || status === 409 || status === 423
      || !error.code;
    // The server ended the upload (gone, or the file refused at its last byte): the same
    // file dropped again must start anew. A session or token refusal leaves it to resume.
    if ([404, 410, 413, 415, 422].includes(status)) forget(item);
    if (!retryable) {
      if (error.report && !error.report_html) {  // drawn as the upload page draws it
        const drawn = await fetchJson(msg.reportUrl, {
          method: "POST",
          body: JSON.stringify({ report: error.report, filename: item.file.name }),
          headers: { "Content-Type": "application/json", "X-CSRFToken": msg.csrf },
        });
        if (drawn?.report_html) error.report_html = drawn.report_html;
      }
    }
    markFailed(item, error.message || (status ? msg.msgFailed : msg.msgNetwork), error, retryable);
    settle(item);
  };

  // ----- without the tus client: the whole file in one form post -----
  const sendForm = (item) => new Promise((resolve) => {
    const data = new FormData();
    if (form) {
      for (const [key, value] of new FormData(form).entries()) {
        if (!(value instanceof File)) data.append(key, value);
      }
    }
    data.set("csrf_token", zone.dataset.csrf);
    data.append(zone.dataset.field, item.file, item.file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", zone.dataset.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      const pct = Math.round((event.loaded / event.total) * 100);
      item.bar.value = pct;
      item.state.textContent = `${msg.msgUploading} ${pct} %`;
    });
    // Every byte is sent: the server now reads, checks and files it.
    xhr.upload.addEventListener("load", () => {
      item.bar.removeAttribute("value");  // indeterminate while the server works
      setState(item, "processing", msg.msgProcessing);
    });
    xhr.addEventListener("load", async () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (xhr.status === 201) {
        await showUploaded(item, body);
      } else if (xhr.status === 409) {
        updateAssetCounts(body.error?.total);
        markDone(item, msg.msgDuplicate, body.error?.existing_url);
      } else {
        const error = body.error || {};
        // Only what may go through another time gets a Retry: a busy server, not a refusal.
        // Fields that are not valid can be corrected above and the same file sent again.
        const retryable = error.retryable === true || error.code === "validation"
          || xhr.status >= 500 || xhr.status === 429 || !error.code;
        markFailed(item, error.message || msg.msgFailed, error, retryable);
      }
      resolve();
    });
    xhr.addEventListener("error", () => {
      markFailed(item, msg.msgNetwork, {}, true);
      resolve();
    });
    xhr.send(data);
  });

  // Ask the processing endpoint until the previews are made (or failed, and why).
  const untilProcessed = async (url) => {
    for (;;) {
      await new Promise((wait) => setTimeout(wait, PROCESSING_POLL_MS));
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) continue;
        const status = await response.json();
        if (status.state !== "processing") return status;
      } catch (err) {
        // the connection came back or will: ask again
      }
    }
  };

  const markDone = (item, message, href, note) => {
    setState(item, "done", "");
    item.bar.value = 100;
    if (href) {
      const link = element("a", "", message);
      link.href = href;
      item.state.append(link);
    } else {
      item.state.textContent = message;
    }
    if (note) item.row.append(element("p", "upload-item__note", note));
    done += 1;
    updateTotal();
  };

  const markFailed = (item, message, error, retryable) => {
    setState(item, retryable ? "failed" : "refused", `${retryable ? msg.msgFailed : msg.msgRefused}: ${message}`);
    item.bar.value = 0;
    const explained = reportBlock(error);
    if (explained) item.row.append(explained);
    if (!retryable) {
      refused += 1;
      updateTotal();
      return;
    }
    const retry = element("button", "btn btn--ghost btn--small", msg.msgRetry);
    retry.type = "button";
    retry.addEventListener("click", () => {
      retry.remove();
      explained?.remove();
      setState(item, "uploading", `${msg.msgUploading} 0 %`);
      queue.push(item);
      pump();
    });
    item.row.append(retry);
    updateTotal();
  };

  // Every picker of the zone: files, and (where offered) a whole folder.
  zone.querySelectorAll('input[type="file"]').forEach((picker) => picker.addEventListener("change", () => {
    enqueue([...picker.files].filter(isVisibleFile));
    picker.value = "";
  }));
  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
    event.preventDefault();
    zone.classList.add("is-over");
  }));
  ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("is-over")));
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    enqueue(await droppedFiles(event.dataTransfer));
  });
}

// A drop zone whose file is sent by its form's own button (the check desk): a dropped
// file goes into the zone's input, which shows its name; without JavaScript the input works alone.
function initSubmitDropzone(zone) {
  const input = zone.querySelector('input[type="file"]');
  const list = zone.querySelector(".dropzone__list");
  // The zone itself now says which file was chosen; the bare input is for pages without script.
  input.classList.replace("dropzone__input", "visually-hidden");
  const show = () => {
    list.replaceChildren(...[...input.files].map((file) => element("li", "upload-item", file.name)));
  };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
    event.preventDefault();
    zone.classList.add("is-over");
  }));
  ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("is-over")));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files?.[0];
    if (!file) return;
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    show();
  });
}

// ---------- Folder drops: walk dropped folders (webkitGetAsEntry) into their files ----------

function isVisibleFile(file) {
  const path = file.webkitRelativePath || file.name;
  return !path.split("/").some((part) => part.startsWith("."));
}

async function droppedFiles(transfer) {
  if (!transfer) return [];
  // Entries must be taken while the drop event runs; reading them may wait.
  const entries = [...(transfer.items || [])]
    .filter((item) => item.kind === "file")
    .map((item) => item.webkitGetAsEntry?.())
    .filter(Boolean);
  if (!entries.length) return [...(transfer.files || [])].filter(isVisibleFile);
  const files = [];
  for (const entry of entries) await collectEntry(entry, files);
  return files;
}

async function collectEntry(entry, files) {
  if (entry.name.startsWith(".")) return;
  if (entry.isFile) {
    files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    return;
  }
  if (!entry.isDirectory) return;
  const reader = entry.createReader();
  // readEntries answers in batches (100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const child of batch) await collectEntry(child, files);
  }
}

// A refused upload's compliance report: the same component as the upload page, rendered
// by the server (report_html); a plain list of the failing rules when only the data came.
function reportBlock(error) {
  const wrap = element("div", "upload-item__report");
  if (error?.report_html) {
    wrap.append(document.createRange().createContextualFragment(error.report_html));
    return wrap;
  }
  const failing = (error?.report?.checks || []).filter((check) => check.status === "fail");
  if (!failing.length) return null;
  const list = element("ul");
  for (const check of failing) {
    const li = element("li");
    li.append(element("strong", "", check.title || check.rule), document.createTextNode(`: ${check.message}`));
    list.append(li);
  }
  wrap.append(list);
  return wrap;
}

// The new asset's card as the library shows it (rendered by the server).
function addCard(cards, body) {
  if (!cards || !body.url) return;
  if (body.card) {
    cards.append(document.createRange().createContextualFragment(body.card));
    return;
  }
  const li = element("li", "card");
  const link = element("a", "card__link");
  link.href = body.url;
  const media = element("div", "card__media");
  if (body.thumb) {
    const img = element("img");
    img.src = body.thumb;
    img.alt = body.title;
    media.append(img);
  }
  const bodyDiv = element("div", "card__body");
  bodyDiv.append(element("h3", "card__title", body.title));
  link.append(media, bodyDiv);
  li.append(link);
  cards.append(li);
}

window.BrandHub = { showToast };

// Filters start folded on narrow screens, so results come first (the summary counts those in use).
document.addEventListener("DOMContentLoaded", () => {
  const filters = document.querySelector("details.filters");
  if (filters && window.matchMedia("(max-width: 959px)").matches) filters.open = false;
});

// "Print / save as PDF" buttons on reports.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});

// Copy buttons for colour values. The clipboard API needs HTTPS (or localhost); an
// intranet served over plain HTTP falls back to copying a selection.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const value = button.dataset.copy;
      let copied = false;
      try {
        await navigator.clipboard.writeText(value);
        copied = true;
      } catch (err) {
        copied = copyBySelection(value);
      }
      showToast(copied ? (button.dataset.copied || `${value} ✓`) : value, copied ? "success" : "info", button);
    });
  });
});

function copyBySelection(value) {
  const area = document.createElement("textarea");
  area.value = value;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
  area.remove();
  return ok;
}

// ---------- Selections on grids (library, events, collections): select all, shift-click a range,
// every result of a search, the count and the actions that need a selection ----------
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-selection]").forEach((form) => {
    const items = () => [...document.querySelectorAll(`input[data-select-item][form="${form.id}"]`)];
    const all = form.querySelector("[data-select-all]");
    const everything = form.querySelector("[data-select-everything]");
    const count = form.querySelector("[data-select-count]");
    let last = null;  // the box clicked last: a shift-click selects the range from it
    const update = () => {
      const chosen = items().filter((box) => box.checked).length;
      const whole = Boolean(everything?.checked);
      if (count) {
        count.textContent = whole && count.dataset.allText
          ? count.dataset.allText
          : (count.dataset.template || "%(num)s").replace("%(num)s", chosen.toLocaleString());
      }
      form.querySelectorAll("[data-needs-selection]").forEach((button) => { button.disabled = chosen === 0 && !whole; });
      if (all) {
        all.checked = chosen > 0 && chosen === items().length;
        all.indeterminate = chosen > 0 && chosen < items().length;
      }
      form.classList.toggle("has-selection", chosen > 0 || whole);
      items().forEach((box) => box.closest(".card")?.classList.toggle("is-selected", box.checked || whole));
    };
    all?.addEventListener("change", () => {
      items().forEach((box) => { box.checked = all.checked; });
      if (everything && !all.checked) everything.checked = false;
      update();
    });
    everything?.addEventListener("change", () => {
      if (everything.checked) items().forEach((box) => { box.checked = true; });
      update();
    });
    items().forEach((box) => {
      box.addEventListener("click", (event) => {
        const list = items();
        if (event.shiftKey && last && last !== box) {
          const [from, to] = [list.indexOf(last), list.indexOf(box)].sort((a, b) => a - b);
          list.slice(from, to + 1).forEach((other) => { other.checked = box.checked; });
        }
        last = box;
      });
      box.addEventListener("change", () => {
        if (everything && !box.checked) everything.checked = false;
        update();
      });
    });
    update();
  });
});

// ---------- Focal point: a click on the preview says where crops must centre ----------
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-focal-form]");
  const stage = document.querySelector(".asset__stage");
  const img = stage?.querySelector(".asset__zoom img");
  if (!form || !stage || !img) return;
  const toggle = form.querySelector("[data-focal-toggle]");
  const marker = element("span", "focal-marker");
  marker.setAttribute("aria-hidden", "true");
  stage.append(marker);
  let point = { x: Number(form.dataset.x), y: Number(form.dataset.y) };
  const place = () => {
    const box = img.getBoundingClientRect();
    const outer = stage.getBoundingClientRect();
    marker.style.left = `${box.left - outer.left + stage.scrollLeft + point.x * box.width}px`;
    marker.style.top = `${box.top - outer.top + stage.scrollTop + point.y * box.height}px`;
  };
  const setMode = (on) => {
    stage.classList.toggle("is-focal", on);
    toggle.setAttribute("aria-pressed", String(on));
    marker.hidden = !on;
    if (on) place();
  };
  marker.hidden = true;
  toggle.addEventListener("click", () => setMode(!stage.classList.contains("is-focal")));
  window.addEventListener("resize", () => { if (!marker.hidden) place(); });
  // Capture on the stage: in focal mode the click sets the point instead of zooming.
  stage.addEventListener("click", async (event) => {
    if (!stage.classList.contains("is-focal") || !img.contains(event.target)) return;
    event.preventDefault();
    event.stopPropagation();
    const box = img.getBoundingClientRect();
    point = {
      x: Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)),
      y: Math.min(1, Math.max(0, (event.clientY - box.top) / box.height)),
    };
    place();
    const data = new FormData(form);
    data.set("x", point.x.toFixed(4));
    data.set("y", point.y.toFixed(4));
    try {
      const response = await fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      showToast(form.dataset.msgSaved, "success", toggle);
    } catch (err) {
      showToast(form.dataset.msgFailed, "error", toggle);
    }
  }, true);
});

// ---------- The asset page's panels: a link to a panel (or to something in it) opens it ----------
function openPanelOf(hash) {
  if (!hash || hash.length < 2) return;
  const target = document.getElementById(decodeURIComponent(hash.slice(1)));
  const panel = target?.closest("details[data-asset-panel]");
  if (panel && !panel.open) panel.open = true;
}
document.addEventListener("DOMContentLoaded", () => openPanelOf(window.location.hash));
window.addEventListener("hashchange", () => openPanelOf(window.location.hash));

// ---------- Free size in a download menu: checked here first, in the person's language ----------
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-free-size]").forEach((form) => {
    const error = form.querySelector("[data-free-error]");
    const sides = [...form.querySelectorAll('input[type="number"]')];
    const max = Number(form.dataset.max);
    const clear = () => {
      error.hidden = true;
      error.textContent = "";
      sides.forEach((input) => input.removeAttribute("aria-invalid"));
    };
    sides.forEach((input) => input.addEventListener("input", clear));
    form.addEventListener("submit", (event) => {
      clear();
      const wrong = sides.filter((input) => {
        const text = input.value.trim();
        if (text === "" && input.validity.valid) return false;
        return !/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max;
      });
      if (wrong.length) {
        event.preventDefault();
        wrong.forEach((input) => input.setAttribute("aria-invalid", "true"));
        error.textContent = form.dataset.msgInvalid;
        error.hidden = false;
        wrong[0].focus();
        return;
      }
      // Leave empty sides out of the address: ?width=800&format=png, not ?width=800&height=.
      sides.forEach((input) => { input.disabled = input.value.trim() === ""; });
      setTimeout(() => sides.forEach((input) => { input.disabled = false; }), 0);
    });
  });
});
