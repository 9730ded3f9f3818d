// Messages at the top of the page, one per subject, each replaced by the next on its subject.

import { byId, h } from "./dom.js";

/** Shows `text` for `subject`; with `retry`, a button that calls it. */
export function notify(subject, text, retry = null) {
  clear(subject);
  const notice = h("div", { class: "notice", role: "alert", "data-subject": subject },
    h("p", {}, text),
    retry ? h("button", { type: "button", onclick: () => { clear(subject); retry(); } }, "Coba lagi") : null,
    h("button", { type: "button", class: "secondary", onclick: () => clear(subject) }, "Tutup"));
  byId("pemberitahuan").append(notice);
}

export function clear(subject) {
  byId("pemberitahuan").querySelector(`[data-subject="${subject}"]`)?.remove();
}
