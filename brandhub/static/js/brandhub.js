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
  const toast = document.createElement("div");
  toast.className = `toast toast--${kind}`;
  toast.dataset.toast = "";
  const text = document.createElement("span");
  text.textContent = message;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast__close";
  close.dataset.toastClose = "";
  close.setAttribute("aria-label", "×");
  close.textContent = "×";
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
  const input = zone.querySelector('input[type="file"]');
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
      const row = document.createElement("li");
      row.className = "upload-item";
      const name = document.createElement("span");
      name.className = "upload-item__name";
      name.textContent = file.name;
      const state = document.createElement("span");
      state.className = "upload-item__state";
      state.textContent = "0 %";
      const bar = document.createElement("progress");
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
      } else if (xhr.status === 409) {
        markDone(item, zone.dataset.msgDuplicate, body.error?.existing_url);
      } else {
        markFailed(item, body.error?.message || zone.dataset.msgFailed);
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
      const link = document.createElement("a");
      link.href = href;
      link.textContent = message;
      item.state.append(link);
    } else {
      item.state.textContent = message;
    }
    done += 1;
    updateTotal();
  };

  const markFailed = (item, message) => {
    item.row.classList.add("is-failed");
    item.state.textContent = message;
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "btn btn--ghost btn--small";
    retry.textContent = zone.dataset.msgRetry;
    retry.addEventListener("click", () => {
      retry.remove();
      item.row.classList.remove("is-failed");
      item.bar.value = 0;
      item.state.textContent = "0 %";
      queue.push(item);
      pump();
    });
    item.row.append(retry);
  };

  input.addEventListener("change", () => {
    enqueue([...input.files]);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
    event.preventDefault();
    zone.classList.add("is-over");
  }));
  ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("is-over")));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    enqueue([...(event.dataTransfer?.files || [])]);
  });
}

function addCard(cards, body) {
  if (!cards || !body.url) return;
  const li = document.createElement("li");
  li.className = "card";
  const link = document.createElement("a");
  link.className = "card__link";
  link.href = body.url;
  const media = document.createElement("div");
  media.className = "card__media card__media--image";
  if (body.thumb) {
    const img = document.createElement("img");
    img.src = body.thumb;
    img.alt = body.title;
    media.append(img);
  }
  const bodyDiv = document.createElement("div");
  bodyDiv.className = "card__body";
  const title = document.createElement("h3");
  title.className = "card__title";
  title.textContent = body.title;
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

// Copy buttons for colour values.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        showToast(`${button.dataset.copy} ✓`, "success");
      } catch (err) {
        showToast(button.dataset.copy, "info");
      }
    });
  });
});
