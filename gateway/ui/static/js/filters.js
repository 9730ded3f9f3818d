// The filter menu: what is chosen, the API filter it makes, and every option with how many courses it leaves.

import { byId, fill, h } from "./dom.js";
import { METHODS, PLATFORM_STATUS, thousands } from "./words.js";

export const PRICES = [
  { id: "gratis", label: "Gratis", minPrice: 0, maxPrice: 0 },
  { id: "hingga500rb", label: "Sampai Rp500.000", minPrice: 1, maxPrice: 500000 },
  { id: "hingga1jt", label: "Rp500.001 – Rp1.000.000", minPrice: 500001, maxPrice: 1000000 },
  { id: "atas1jt", label: "Di atas Rp1.000.000", minPrice: 1000001, maxPrice: null },
];

export const RATINGS = [
  { id: "r45", label: "★ 4,5 ke atas", minRating: 4.5 },
  { id: "r40", label: "★ 4 ke atas", minRating: 4 },
  { id: "r35", label: "★ 3,5 ke atas", minRating: 3.5 },
];

/** Nothing chosen: every course. */
export function noCriteria() {
  return { search: "", platforms: [], categories: [], methods: [], price: "", rating: "", eligibleOnly: false };
}

/** The API's CourseFilter for what is chosen. */
export function courseFilter(criteria) {
  const price = PRICES.find((option) => option.id === criteria.price);
  const rating = RATINGS.find((option) => option.id === criteria.rating);
  return {
    search: criteria.search.trim() || null,
    platforms: criteria.platforms,
    categories: criteria.categories,
    methods: criteria.methods,
    minPrice: price?.minPrice ?? null,
    maxPrice: price?.maxPrice ?? null,
    minRating: rating?.minRating ?? null,
    eligibleOnly: criteria.eligibleOnly || null,
  };
}

const FACETS = [
  { key: "platforms", alias: "byPlatform" },
  { key: "categories", alias: "byCategory" },
  { key: "methods", alias: "byMethod" },
];

/** The counts a menu needs beyond the page's own facets, each `{name, selection, filter}`: a chosen facet group
 * counts its options as if nothing in it were chosen (choices within a group add courses); every price, rating and
 * the eligible-only option counts what choosing it would leave. */
export function countQueries(criteria, signedIn) {
  const counts = FACETS.filter(({ key }) => criteria[key].length).map(({ key, alias }) => ({
    name: alias, selection: `facets { ${key} { value count } }`, filter: courseFilter({ ...criteria, [key]: [] }),
  }));
  const total = (name, change) => ({ name, selection: "totalCount", filter: courseFilter({ ...criteria, ...change }) });
  counts.push(...PRICES.map((option) => total(option.id, { price: option.id })));
  counts.push(...RATINGS.map((option) => total(option.id, { rating: option.id })));
  if (signedIn) counts.push(total("eligible", { eligibleOnly: true }));
  return counts;
}

/** Renders every menu from a search answer; `onChange(criteria)` is called with each new choice. */
export function renderFilters(criteria, answer, signedIn, onChange) {
  const facets = (key, alias) => Object.fromEntries(
    (answer[alias] ?? answer.page).facets[key].map(({ value, count }) => [value, count]));
  const change = (update) => onChange({ ...criteria, ...update });
  const toggle = (key, value, on) => change({
    [key]: on ? [...criteria[key], value] : criteria[key].filter((chosen) => chosen !== value),
  });
  const keepFocus = document.activeElement?.id;

  const platformCounts = facets("platforms", "byPlatform");
  checkboxes("platform", answer.platforms.map((platform) => ({
    value: platform.slug,
    label: platform.status === "OK" ? platform.name : `${platform.name} (${PLATFORM_STATUS[platform.status]})`,
    count: platformCounts[platform.slug] ?? 0,
  })), criteria.platforms, (value, on) => toggle("platforms", value, on));

  const categoryCounts = facets("categories", "byCategory");
  const categories = [...new Set([...Object.keys(categoryCounts), ...criteria.categories])].sort();
  checkboxes("kategori", categories.map((category) => ({
    value: category, label: category, count: categoryCounts[category] ?? 0,
  })), criteria.categories, (value, on) => toggle("categories", value, on));

  const methodCounts = facets("methods", "byMethod");
  checkboxes("metode", Object.entries(METHODS).map(([value, label]) => ({
    value, label, count: methodCounts[value] ?? 0,
  })), criteria.methods, (value, on) => toggle("methods", value, on));

  radios("harga", "Semua harga", PRICES.map((option) => ({ ...option, count: answer[option.id].totalCount })),
    criteria.price, (price) => change({ price }));
  radios("rating", "Semua rating", RATINGS.map((option) => ({ ...option, count: answer[option.id].totalCount })),
    criteria.rating, (rating) => change({ rating }));

  const eligible = byId("bisa-dibeli");
  eligible.disabled = !signedIn;
  eligible.checked = signedIn && criteria.eligibleOnly;
  eligible.onchange = () => change({ eligibleOnly: eligible.checked });
  byId("jumlah-bisa-dibeli").textContent = signedIn ? `(${thousands(answer.eligible.totalCount)})` : "";
  byId("bisa-dibeli-bantuan").hidden = signedIn;

  if (keepFocus) byId(keepFocus)?.focus();
}

function option(type, name, value, label, count, checked, onChange) {
  const id = `${name}-${value || "semua"}`.replace(/[^A-Za-z0-9_-]/g, "_");
  return h("label", { class: "option", for: id },
    h("input", { type, id, name, value, checked, onchange: onChange }),
    h("span", {}, label),
    count === null ? null : h("span", { class: "count" }, ` (${thousands(count)})`));
}

function checkboxes(name, options, chosen, onToggle) {
  fill(byId(`filter-${name}`).querySelector(".options"), options.map(({ value, label, count }) =>
    option("checkbox", name, value, label, count, chosen.includes(value),
      (event) => onToggle(value, event.target.checked))));
}

function radios(name, anyLabel, options, chosen, onChoose) {
  fill(byId(`filter-${name}`).querySelector(".options"), [{ id: "", label: anyLabel, count: null }, ...options].map(
    ({ id, label, count }) => option("radio", name, id, label, count, chosen === id, () => onChoose(id))));
}
