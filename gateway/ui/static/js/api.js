// The page's only way to the gateway: the public GraphQL API at ./graphql, like any other client.

/** A request that gave no data; `code` is the API's extensions.code, or NETWORK when no answer came. */
export class ApiError extends Error {
  constructor(code, retryAfterS = null) {
    super(code);
    this.code = code;
    this.retryAfterS = retryAfterS;
  }
}

/** `{data, codes}`: the answer's data, and the codes of its errors (data may be partial, as for a participant
 * service that is down). Throws ApiError when the answer carries no data at all. */
export async function graphql(query, variables, token) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  let body;
  try {
    response = await fetch("graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    body = await response.json();
  } catch {
    throw new ApiError("NETWORK");
  }
  const codes = (body.errors ?? []).map((error) => error.extensions?.code ?? "INTERNAL_SERVER_ERROR");
  if (!body.data) {
    const retryAfter = Number(response.headers.get("Retry-After"));
    throw new ApiError(codes[0] ?? "INTERNAL_SERVER_ERROR", retryAfter > 0 ? retryAfter : null);
  }
  return { data: body.data, codes };
}

const PROBLEMS = {
  RATE_LIMITED: "Terlalu banyak permintaan dalam waktu singkat.",
  PARTICIPANT_SERVICE_UNAVAILABLE: "Layanan data peserta sedang tidak dapat dihubungi, jadi kelayakan pribadi Anda " +
    "belum bisa dicek: kursus ditampilkan seperti untuk pengunjung yang belum masuk.",
  UNAUTHENTICATED: "Token tidak dikenali atau sudah tidak berlaku. Silakan masuk lagi.",
  BAD_USER_INPUT: "Permintaan ini tidak dapat diproses. Coba persingkat teks pencarian atau ubah filter.",
  QUERY_TOO_COMPLEX: "Permintaan ini terlalu besar untuk diproses. Coba kurangi filter.",
  NETWORK: "Tidak dapat menghubungi server. Periksa koneksi Anda.",
};

/** An API error code in words a participant understands. */
export function problem(code, retryAfterS = null) {
  const words = PROBLEMS[code] ?? "Terjadi kesalahan di server.";
  if (code === "RATE_LIMITED") {
    return `${words} ${retryAfterS ? `Coba lagi dalam ${retryAfterS} detik.` : "Tunggu sebentar, lalu coba lagi."}`;
  }
  return code === "NETWORK" || !(code in PROBLEMS) ? `${words} Coba lagi sebentar lagi.` : words;
}
