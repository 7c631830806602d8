// BrandHub's few interactive parts, in plain modern JavaScript (no build step):
// toasts, the confirm dialog, photo zoom, auto-submitting filters and the upload drop zone.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  initToasts();
  initConfirm();
  initZoom();
  initAutosubmit();
  document.querySelectorAll("[data-dropzone]").forEach(initDropzone);
});

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
  if (!toast.classList.contains("toast--error")) setTimeout(close, 6000);
}

function showToast(message, kind = "info") {
  const region = document.querySelector(".toasts");
  if (!region) return;
  const toast = element("div", `toast toast--${kind}`);
  toast.dataset.toast = "";
  const text = element("span", "", message);
  const close = element("button", "toast__close", "×");
  close.type = "button";
  close.dataset.toastClose = "";
  close.setAttribute("aria-label", "×");
  toast.append(text, close);
  region.append(toast);
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

// ---------- Upload drop zone: parallel uploads with per-file progress and retry ----------

const PARALLEL_UPLOADS = 3;

function initDropzone(zone) {
  const list = zone.querySelector(".dropzone__list");
  const cards = zone.querySelector(".dropzone__cards");
  const total = zone.querySelector(".dropzone__total");
  const form = zone.closest("form");
  const queue = [];
  let active = 0;
  let done = 0;
  let count = 0;

  const updateTotal = () => {
    total.hidden = count === 0;
    total.textContent = zone.dataset.msgTotal
      .replace("%(done)s", done.toLocaleString())
      .replace("%(total)s", count.toLocaleString());
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

  const enqueue = (files) => {
    for (const file of files) {
      const row = element("li", "upload-item");
      const name = element("span", "upload-item__name", file.name);
      const state = element("span", "upload-item__state", "0 %");
      const bar = element("progress");
      bar.max = 100;
      bar.value = 0;
      row.append(name, state, bar);
      list.append(row);
      queue.push({ file, row, state, bar });
      count += 1;
    }
    updateTotal();
    pump();
  };

  const send = (item) => new Promise((resolve) => {
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
      item.state.textContent = `${pct} %`;
    });
    xhr.addEventListener("load", () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (xhr.status === 201) {
        markDone(item, zone.dataset.msgDone);
        addCard(cards, body);
        if (body.similar_message && body.similar?.length) {  // a near duplicate: say which
          const note = element("a", "upload-item__similar", body.similar_message);
          note.href = body.similar[0].url;
          item.row.append(note);
        }
      } else if (xhr.status === 409) {
        markDone(item, zone.dataset.msgDuplicate, body.error?.existing_url);
      } else {
        markFailed(item, body.error?.message || zone.dataset.msgFailed, body.error?.report);
      }
      resolve();
    });
    xhr.addEventListener("error", () => {
      markFailed(item, zone.dataset.msgNetwork);
      resolve();
    });
    xhr.send(data);
  });

  const markDone = (item, message, href) => {
    item.row.classList.remove("is-failed");
    item.row.classList.add("is-done");
    item.bar.value = 100;
    item.state.textContent = "";
    if (href) {
      const link = element("a", "", message);
      link.href = href;
      item.state.append(link);
    } else {
      item.state.textContent = message;
    }
    done += 1;
    updateTotal();
  };

  const markFailed = (item, message, report) => {
    item.row.classList.add("is-failed");
    item.state.textContent = message;
    const explained = reportList(report);
    if (explained) item.row.append(explained);
    const retry = element("button", "btn btn--ghost btn--small", zone.dataset.msgRetry);
    retry.type = "button";
    retry.addEventListener("click", () => {
      retry.remove();
      explained?.remove();
      item.row.classList.remove("is-failed");
      item.bar.value = 0;
      item.state.textContent = "0 %";
      queue.push(item);
      pump();
    });
    item.row.append(retry);
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

// A refused upload's compliance report: what must change, in the brand's own words.
function reportList(report) {
  const failing = (report?.checks || []).filter((check) => check.status === "fail");
  if (!failing.length) return null;
  const list = element("ul", "upload-item__report");
  for (const check of failing) {
    const li = element("li");
    const title = element("strong", "", check.title || check.rule);
    li.append(title, document.createTextNode(`: ${check.message}`));
    list.append(li);
  }
  return list;
}

function addCard(cards, body) {
  if (!cards || !body.url) return;
  const li = element("li", "card");
  const link = element("a", "card__link");
  link.href = body.url;
  const media = element("div", "card__media card__media--image");
  if (body.thumb) {
    const img = element("img");
    img.src = body.thumb;
    img.alt = body.title;
    media.append(img);
  }
  const bodyDiv = element("div", "card__body");
  const title = element("h3", "card__title", body.title);
  bodyDiv.append(title);
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
      showToast(copied ? (button.dataset.copied || `${value} ✓`) : value, copied ? "success" : "info");
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

// ---------- Selections on event and collection grids: select all, count, actions ----------
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-selection]").forEach((form) => {
    const items = () => [...document.querySelectorAll(`input[data-select-item][form="${form.id}"]`)];
    const all = form.querySelector("[data-select-all]");
    const count = form.querySelector("[data-select-count]");
    const update = () => {
      const chosen = items().filter((box) => box.checked).length;
      if (count) count.textContent = (count.dataset.template || "%(num)s").replace("%(num)s", chosen.toLocaleString());
      form.querySelectorAll("[data-needs-selection]").forEach((button) => { button.disabled = chosen === 0; });
      if (all) {
        all.checked = chosen > 0 && chosen === items().length;
        all.indeterminate = chosen > 0 && chosen < items().length;
      }
      items().forEach((box) => box.closest(".card")?.classList.toggle("is-selected", box.checked));
    };
    all?.addEventListener("change", () => {
      items().forEach((box) => { box.checked = all.checked; });
      update();
    });
    items().forEach((box) => box.addEventListener("change", update));
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
      showToast(form.dataset.msgSaved, "success");
    } catch (err) {
      showToast(form.dataset.msgFailed, "error");
    }
  }, true);
});
