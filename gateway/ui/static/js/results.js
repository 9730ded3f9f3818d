// Result cards: what a participant weighs at a glance, and a box to pick the course for comparison.

import { h } from "./dom.js";
import { ELIGIBILITY, METHODS, PLATFORM_STATUS, duration, rating } from "./words.js";

/** The eligibility badge, with every failing rule in words. */
export function eligibilityBadge(eligibility) {
  return h("div", { class: `eligibility ${eligibility.status.toLowerCase()}` },
    h("p", { class: "badge" }, ELIGIBILITY[eligibility.status]),
    eligibility.reasons.length ? h("ul", { class: "reasons" },
      eligibility.reasons.map((reason) => h("li", { "data-code": reason.code }, reason.message))) : null);
}

/** The platform's name, with its trouble when it has one. */
export function platformName(platform) {
  return h("span", { class: "platform" }, platform.name,
    platform.status === "OK" ? null
      : h("span", { class: `status ${platform.status.toLowerCase()}` }, ` · ${PLATFORM_STATUS[platform.status]}`));
}

/** One result card; `compare` is `{chosen, full, onToggle}`. */
export function card(course, compare) {
  const box = `banding-${course.id}`.replace(/[^A-Za-z0-9_-]/g, "_");
  return h("li", { class: "card", "data-id": course.id },
    h("article", { "aria-labelledby": `${box}-judul` },
      h("h3", { id: `${box}-judul` },
        course.url ? h("a", { href: course.url, target: "_blank", rel: "noopener noreferrer" }, course.title)
          : course.title),
      h("p", { class: "provider" }, course.provider.name),
      h("p", { class: "meta" }, platformName(course.platform)),
      h("p", { class: "price" }, course.price.formatted),
      h("dl", { class: "facts" },
        h("dt", {}, "Rating"), h("dd", {}, rating(course.rating)),
        h("dt", {}, "Durasi"), h("dd", {}, duration(course.durationHours)),
        h("dt", {}, "Metode"), h("dd", {}, METHODS[course.method]),
        h("dt", {}, "Kategori"), h("dd", {}, course.category)),
      eligibilityBadge(course.eligibility),
      h("label", { class: "pick", for: box },
        h("input", {
          type: "checkbox", id: box, "aria-describedby": `${box}-judul`, checked: compare.chosen, disabled: compare.full && !compare.chosen,
          onchange: (event) => compare.onToggle(course, event.target.checked),
        }),
        h("span", {}, compare.full && !compare.chosen ? "Bandingkan (maksimal 4)" : "Bandingkan"))));
}
