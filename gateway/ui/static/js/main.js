// The page: what the participant chose, the requests it makes, and where each answer is shown.

import { ApiError, graphql, problem } from "./api.js";
import { MAX_COMPARED, renderComparison, renderTray } from "./compare.js";
import { byId, fill } from "./dom.js";
import { countQueries, courseFilter, noCriteria, renderFilters } from "./filters.js";
import { clear, notify } from "./notices.js";
import { renderPlatformHealth } from "./platforms.js";
import { COMPARE, MORE, VIEWER, searchQuery } from "./queries.js";
import { card } from "./results.js";
import { renderDemoParticipants, renderViewer, saveToken, savedToken } from "./session.js";
import { courses } from "./words.js";

const PAGE_SIZE = 20;
const TYPING_PAUSE_MS = 300;

const state = {
  criteria: noCriteria(),
  sort: "RELEVANCE",
  token: null,
  viewer: null,
  results: [],
  endCursor: null,
  chosen: new Map(), // id → course, picked for comparison, in the order picked
};
let newestSearch = 0; // answers to older searches are dropped: typing fast must not show an old result last

/** The data of a query sent as the signed-in participant; problems with the sign-in become notices. */
async function ask(query, variables) {
  const answer = await graphql(query, variables, state.token);
  if (answer.codes.includes("UNAUTHENTICATED")) {
    forgetParticipant();
    notify("peserta", problem("UNAUTHENTICATED"));
  } else if (answer.codes.includes("PARTICIPANT_SERVICE_UNAVAILABLE")) {
    notify("peserta", problem("PARTICIPANT_SERVICE_UNAVAILABLE"));
  } else if (state.token) {
    clear("peserta");
  }
  return answer.data;
}

function failed(error, retry) {
  if (!(error instanceof ApiError)) throw error;
  notify("permintaan", problem(error.code, error.retryAfterS), retry);
}

async function search() {
  const ticket = ++newestSearch;
  const counts = countQueries(state.criteria, Boolean(state.viewer));
  const variables = {
    filter: courseFilter(state.criteria), sort: state.sort, first: PAGE_SIZE,
    ...Object.fromEntries(counts.map(({ name, filter }) => [name, filter])),
  };
  byId("daftar-kursus").setAttribute("aria-busy", "true");
  let answer;
  try {
    answer = await ask(searchQuery(counts), variables);
  } catch (error) {
    if (ticket === newestSearch) failed(error, search);
    return;
  } finally {
    if (ticket === newestSearch) byId("daftar-kursus").setAttribute("aria-busy", "false");
  }
  if (ticket !== newestSearch) return;
  clear("permintaan");
  renderPlatformHealth(answer.platforms);
  renderFilters(state.criteria, answer, Boolean(state.viewer), (criteria) => {
    state.criteria = criteria;
    search();
  });
  const page = answer.page;
  byId("jumlah-hasil").textContent = page.totalCount ? `${courses(page.totalCount)} ditemukan`
    : "Tidak ada kursus yang cocok. Coba kata lain atau hapus sebagian filter.";
  state.results = page.edges.map((edge) => edge.node);
  showPage(page.pageInfo);
  renderCards();
}

async function loadMore() {
  const ticket = newestSearch;
  const variables = { filter: courseFilter(state.criteria), sort: state.sort, first: PAGE_SIZE,
    after: state.endCursor };
  const button = byId("muat-lagi");
  button.disabled = true; // a second click would ask for the same page again
  let answer;
  try {
    answer = await ask(MORE, variables);
  } catch (error) {
    if (error instanceof ApiError && error.code === "BAD_USER_INPUT") { // the catalogue changed under the cursor
      notify("permintaan", "Daftar kursus baru saja diperbarui, jadi hasil dimuat ulang dari awal.");
      search();
    } else failed(error, loadMore);
    return;
  } finally {
    button.disabled = false;
  }
  if (ticket !== newestSearch) return;
  const first = state.results.length;
  state.results.push(...answer.page.edges.map((edge) => edge.node));
  showPage(answer.page.pageInfo);
  renderCards();
  byId("daftar-kursus").children[first]?.querySelector("h3 a, input")?.focus();
}

function showPage(pageInfo) {
  state.endCursor = pageInfo.endCursor;
  byId("muat-lagi").hidden = !pageInfo.hasNextPage;
}

function renderCards() {
  const focused = document.activeElement?.id;
  const full = state.chosen.size >= MAX_COMPARED;
  fill(byId("daftar-kursus"), state.results.map((course) => card(course, {
    chosen: state.chosen.has(course.id), full, onToggle: pick,
  })));
  if (focused) byId(focused)?.focus();
}

function pick(course, on) {
  if (on && state.chosen.size < MAX_COMPARED) state.chosen.set(course.id, course);
  else state.chosen.delete(course.id);
  renderTray(state.chosen);
  renderCards();
}

async function compare() {
  if (state.chosen.size < 2) {
    closeComparison();
    return;
  }
  const ids = [...state.chosen.keys()];
  let answer;
  try {
    answer = await ask(COMPARE, { ids });
  } catch (error) {
    failed(error, compare);
    return;
  }
  const section = byId("perbandingan");
  const opening = section.hidden;
  renderComparison(ids, answer.compare, (id) => {
    state.chosen.delete(id);
    renderTray(state.chosen);
    renderCards();
    compare();
  });
  section.hidden = false;
  if (opening) byId("judul-perbandingan").focus();
}

function closeComparison() {
  byId("perbandingan").hidden = true;
  fill(byId("tabel-perbandingan"));
}

/** Signs in with `token`; false, with the reason shown by the token field, when that cannot be done. */
async function signIn(token) {
  const error = byId("token-galat");
  error.textContent = "";
  let answer;
  try {
    answer = await graphql(VIEWER, {}, token);
  } catch (failure) {
    if (!(failure instanceof ApiError)) throw failure;
    error.textContent = problem(failure.code, failure.retryAfterS);
    return false;
  }
  if (!answer.data.viewer) {
    if (answer.codes.includes("UNAUTHENTICATED")) saveToken(null);
    error.textContent = problem(answer.codes[0] ?? "UNAUTHENTICATED");
    return false;
  }
  state.token = token;
  state.viewer = answer.data.viewer;
  saveToken(token);
  byId("token").value = "";
  renderViewer(state.viewer);
  byId("akun").open = false;
  byId("akun-ringkas").focus();
  refreshAll();
  return true;
}

function forgetParticipant() {
  state.token = null;
  state.viewer = null;
  state.criteria = { ...state.criteria, eligibleOnly: false };
  saveToken(null);
  renderViewer(null);
}

function signOut() {
  forgetParticipant();
  clear("peserta");
  byId("akun").open = false;
  byId("akun-ringkas").focus();
  refreshAll();
}

/** Eligibility depends on who asks: everything shown is asked again. */
function refreshAll() {
  search();
  if (!byId("perbandingan").hidden) compare();
}

function wire() {
  const form = byId("filter");
  let typing = null;
  byId("cari").addEventListener("input", (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.criteria = { ...state.criteria, search: event.target.value };
      search();
    }, TYPING_PAUSE_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    state.criteria = { ...state.criteria, search: byId("cari").value };
    search();
  });
  form.addEventListener("reset", () => {
    clearTimeout(typing);
    state.criteria = noCriteria();
    state.sort = "RELEVANCE";
    search();
  });
  byId("urutan").addEventListener("change", (event) => {
    state.sort = event.target.value;
    search();
  });
  byId("muat-lagi").addEventListener("click", loadMore);
  byId("buka-perbandingan").addEventListener("click", compare);
  byId("tutup-perbandingan").addEventListener("click", () => {
    closeComparison();
    byId("buka-perbandingan").focus();
  });
  byId("kosongkan-perbandingan").addEventListener("click", () => {
    state.chosen.clear();
    renderTray(state.chosen);
    renderCards();
    closeComparison();
    byId("cari").focus();
  });
  byId("form-masuk").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = byId("token").value.trim();
    if (token) signIn(token);
    else byId("token-galat").textContent = "Tempel token Anda terlebih dahulu.";
  });
  byId("tombol-keluar").addEventListener("click", signOut);
  byId("panel-filter").open = matchMedia("(min-width: 48rem)").matches;
}

wire();
renderDemoParticipants(signIn);
const saved = savedToken();
if (!saved || !(await signIn(saved))) search();
