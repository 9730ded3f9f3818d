// The signed-in participant: their token (kept in this tab only), their card, and their purchases.

import { byId, fill, h } from "./dom.js";
import { CARD_STATUS, PURCHASE_STATUS, SCHEMES, moment } from "./words.js";

const TOKEN_KEY = "prakerja-token";

export function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Offers the demo's participants (an empty list outside the demo) to sign in with. */
export async function renderDemoParticipants(onPick) {
  let participants = [];
  try {
    const response = await fetch("ui/demo-participants.json");
    if (response.ok) participants = await response.json();
  } catch {
    return; // without the list, the token field still works
  }
  byId("peserta-demo").hidden = participants.length === 0;
  fill(byId("daftar-demo"), participants.map(({ token, label }) => h("li", {},
    h("button", { type: "button", class: "secondary", "data-token": token, onclick: () => onPick(token) },
      `Masuk: ${label}`))));
}

/** Shows `viewer` (null when signed out) in the account menu and the card panel. */
export function renderViewer(viewer) {
  const signedIn = Boolean(viewer);
  byId("akun-ringkas").textContent = signedIn ? `Peserta ${viewer.cardNumber.slice(-4)} · Akun` : "Masuk sebagai peserta";
  byId("masuk").hidden = signedIn;
  byId("keluar").hidden = !signedIn;
  byId("peserta").hidden = !signedIn;
  if (!signedIn) return;
  const facts = [
    ["Nomor kartu", viewer.cardNumber],
    ["Skema", SCHEMES[viewer.scheme]],
    ["Status kartu", CARD_STATUS[viewer.cardStatus]],
    ["Sisa saldo", `${viewer.remainingBalance.formatted} dari ${viewer.initialBalance.formatted}`],
    ["Batas pembelian pertama", viewer.firstPurchaseDeadline ? moment(viewer.firstPurchaseDeadline)
      : "Tidak berlaku lagi: Anda sudah pernah membeli"],
  ];
  fill(byId("data-kartu"), facts.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
  fill(byId("pembelian"), viewer.purchases.length ? viewer.purchases.map(purchase)
    : [h("li", {}, "Belum ada pembelian.")]);
}

function purchase(p) {
  return h("li", { class: "purchase", "data-course": p.courseId },
    h("strong", {}, p.title), ` · ${p.platform.name} · ${p.price.formatted} · ${moment(p.purchasedAt)} · `,
    PURCHASE_STATUS[p.status],
    p.isBundle ? h("span", { class: `bundle ${p.honoured ? "honoured" : "not-honoured"}` },
      p.honoured ? "Paket, tetap diakui (dibeli sebelum 30 Juni 2020)"
        : "Paket, tidak diakui (dibeli sejak 30 Juni 2020)") : null);
}
