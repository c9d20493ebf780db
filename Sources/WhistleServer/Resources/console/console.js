// Whistle console: pages work without scripts. This moves the keyboard to the first field with an error, and
// keeps live parts (data-stream) current: on each event of the stream, the part is fetched again from the
// server, which renders it (data-part).
document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid) invalid.focus();
  for (const part of document.querySelectorAll("[data-stream]")) {
    if (!window.EventSource) break;
    const source = new EventSource(part.dataset.stream);
    let busy = false, again = false;
    const refresh = async () => {
      if (busy) { again = true; return; }
      busy = true;
      try {
        const response = await fetch(part.dataset.part, { credentials: "same-origin" });
        if (response.ok) {
          part.innerHTML = await response.text();
          part.dataset.updates = String(Number(part.dataset.updates || 0) + 1);
        }
      } finally {
        busy = false;
        if (again) { again = false; refresh(); }
      }
    };
    for (const kind of part.dataset.events.split(" ")) source.addEventListener(kind, refresh);
    source.addEventListener("open", () => { part.dataset.live = "open"; });
    source.addEventListener("error", () => { part.dataset.live = "reconnecting"; });
    // Leaving the page closes the stream rather than letting the browser abort it.
    addEventListener("pagehide", () => source.close());
  }
});
