// Platforms in trouble are shown, never hidden: their courses may be old, missing or not for sale.

import { byId, fill, h } from "./dom.js";
import { PLATFORM_STATUS, PLATFORM_STATUS_MEANING, moment } from "./words.js";

export function renderPlatformHealth(platforms) {
  const troubled = platforms.filter((platform) => platform.status !== "OK");
  byId("status-platform").hidden = troubled.length === 0;
  fill(byId("daftar-status-platform"), troubled.map((platform) => h("li", { "data-slug": platform.slug },
    h("strong", {}, platform.name), ` — ${PLATFORM_STATUS[platform.status]}: ${PLATFORM_STATUS_MEANING[platform.status]}`,
    platform.lastRefreshedAt ? ` (data terakhir ${moment(platform.lastRefreshedAt)})` : null, ".")));
}
