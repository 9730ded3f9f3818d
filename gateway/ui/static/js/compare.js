// Up to four courses side by side: rows that differ are marked, and every other platform selling each course.

import { byId, fill, h } from "./dom.js";
import { eligibilityBadge, platformName } from "./results.js";
import { ELIGIBILITY, METHODS, duration, priceDifference, rating } from "./words.js";

export const MAX_COMPARED = 4;

const ROWS = [
  { label: "Platform", show: (c) => platformName(c.platform), key: (c) => c.platform.slug },
  { label: "Penyedia", show: (c) => c.provider.name, key: (c) => c.provider.name },
  { label: "Harga", show: price, key: (c) => c.price.amount },
  { label: "Rating", show: (c) => rating(c.rating), key: (c) => rating(c.rating) },
  { label: "Durasi", show: (c) => duration(c.durationHours), key: (c) => c.durationHours },
  { label: "Metode", show: (c) => METHODS[c.method], key: (c) => c.method },
  { label: "Kategori", show: (c) => c.category, key: (c) => c.category },
  { label: "Silabus", show: syllabus, key: (c) => c.syllabus.join("\n") },
  { label: "Ujian akhir", show: (c) => (c.hasFinalAssessment ? "Ada" : "Tidak ada"), key: (c) => c.hasFinalAssessment },
  { label: "Kelayakan", show: (c) => eligibilityBadge(c.eligibility),
    key: (c) => [c.eligibility.status, ...c.eligibility.reasons.map((r) => r.code)].join() },
  { label: "Dijual juga di", show: otherOffers, key: null },
];

function price(course, shown) {
  const cheapest = shown.length > 1 && shown.every((other) => course.price.amount <= other.price.amount);
  return [course.price.formatted, cheapest ? h("span", { class: "best" }, "termurah") : null];
}

function syllabus(course) {
  return course.syllabus.length ? h("ol", { class: "syllabus" }, course.syllabus.map((module) => h("li", {}, module)))
    : "Tidak ada silabus";
}

function otherOffers(course) {
  if (!course.otherOffers.length) return "Tidak dijual di platform lain";
  return h("details", { class: "offers" },
    h("summary", {}, `${course.otherOffers.length} platform lain`),
    h("ul", {}, course.otherOffers.map((offer) => h("li", { "data-id": offer.id },
      platformName(offer.platform), ": ",
      h("strong", {}, offer.price.formatted), " ",
      h("span", { class: "difference" }, `(${priceDifference(offer.price.amount, course.price.amount)})`), " ",
      h("span", { class: "hint" }, ELIGIBILITY[offer.eligibility.status]), " ",
      offer.url ? h("a", { href: offer.url, target: "_blank", rel: "noopener noreferrer" },
        `Beli di ${offer.platform.name}`) : null))));
}

/** The table of `courses` (null where one is no longer on sale); `onRemove(id)` drops a column. */
export function renderComparison(ids, courses, onRemove) {
  const shown = courses.filter(Boolean);
  const head = h("tr", {}, h("td", {}), courses.map((course, n) => h("th", { scope: "col" },
    course ? (course.url ? h("a", { href: course.url, target: "_blank", rel: "noopener noreferrer" }, course.title)
      : course.title) : "Kursus ini tidak dijual lagi",
    h("button", {
      type: "button", class: "secondary", onclick: () => onRemove(ids[n]),
      "aria-label": `Hapus ${course ? course.title : "kursus ini"} dari perbandingan`,
    }, "Hapus"))));
  const rows = ROWS.map(({ label, show, key }) => {
    const differs = key !== null && new Set(shown.map((c) => JSON.stringify(key(c)))).size > 1;
    return h("tr", { class: differs ? "differs" : null },
      h("th", { scope: "row" }, label, differs ? h("span", { class: "differs-mark" }, "berbeda") : null),
      courses.map((course) => h("td", {}, course ? show(course, shown) : "–")));
  });
  fill(byId("tabel-perbandingan"), h("caption", { class: "visually-hidden" }, "Kursus yang dibandingkan"),
    h("thead", {}, head), h("tbody", {}, rows));
}

/** The bar that says what is picked and opens the comparison. */
export function renderTray(chosen) {
  byId("baki-perbandingan").hidden = chosen.size === 0;
  byId("isi-baki").textContent = `${chosen.size} dari ${MAX_COMPARED} kursus dipilih untuk dibandingkan`;
  byId("buka-perbandingan").disabled = chosen.size < 2;
}
