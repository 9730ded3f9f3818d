// What the API's codes and numbers say, in Indonesian words.

export const METHODS = {
  SELF_PACED: "Mandiri (video)",
  WEBINAR: "Webinar (daring langsung)",
  OFFLINE: "Luring (tatap muka)",
};

export const ELIGIBILITY = {
  ELIGIBLE: "Bisa dibeli",
  INELIGIBLE: "Tidak bisa dibeli",
  SIGN_IN_REQUIRED: "Masuk untuk cek kelayakan",
};

export const PLATFORM_STATUS = {
  OK: "Normal",
  STALE: "Data belum diperbarui",
  DOWN: "Tidak tersedia",
  SUSPENDED: "Kemitraan ditangguhkan",
};

/** What a participant should know about a platform in that state. */
export const PLATFORM_STATUS_MEANING = {
  STALE: "kursusnya ditampilkan dari data terakhir yang berhasil diambil",
  DOWN: "kursusnya belum bisa ditampilkan",
  SUSPENDED: "kursusnya ditampilkan, tetapi tidak bisa dibeli",
};

export const SCHEMES = {
  SEMI_BANSOS_2020: "Semi-bansos 2020 (saldo Rp1.000.000)",
  NORMAL_2023: "Normal 2023 (saldo Rp3.500.000)",
};

export const CARD_STATUS = { ACTIVE: "Aktif", REVOKED: "Dicabut", DEACTIVATED: "Dinonaktifkan" };

export const PURCHASE_STATUS = { IN_PROGRESS: "Sedang berjalan", COMPLETED: "Selesai", CANCELLED: "Dibatalkan" };

/** Whole numbers with a dot between thousands: 1500000 → "1.500.000". */
export function thousands(count) {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

/** "Rp1.500.000", as the API formats its own amounts. */
export function rupiah(amount) {
  return `Rp${thousands(amount)}`;
}

/** One decimal with a comma: 4.55 → "4,6". */
export function decimal(value) {
  return (Math.round(value * 10) / 10).toString().replace(".", ",");
}

export function rating(value) {
  return value ? `★ ${decimal(value.average)} (${thousands(value.count)} ulasan)` : "Belum ada ulasan";
}

export function duration(hours) {
  return hours === null || hours === undefined ? "Durasi tidak disebutkan" : `${decimal(hours)} jam`;
}

const DATE_TIME = new Intl.DateTimeFormat("id-ID", {
  day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta",
});

/** An ISO 8601 moment in Jakarta time, e.g. "25 Februari 2023 09.00 WIB". */
export function moment(iso) {
  return `${DATE_TIME.format(new Date(iso))} WIB`;
}

/** How an offer's price compares with the course's: "Rp50.000 lebih murah". */
export function priceDifference(offer, course) {
  const difference = offer - course;
  if (difference === 0) return "Harga sama";
  return `${rupiah(Math.abs(difference))} ${difference < 0 ? "lebih murah" : "lebih mahal"}`;
}

export function courses(count) {
  return `${thousands(count)} kursus`;
}
