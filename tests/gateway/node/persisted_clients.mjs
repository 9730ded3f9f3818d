// Apollo Client and urql, each with its automatic persisted queries link, querying the gateway at the URL given:
// prints what each client got, and every HTTP exchange as the clients made it, as JSON.
import { createHash } from "node:crypto";

import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { Client, fetchExchange } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";

const [url, query, variablesText] = process.argv.slice(2);
const variables = JSON.parse(variablesText);
const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const exchanges = [];

async function recorded(client, input, init = {}) {
  const target = new URL(typeof input === "string" ? input : input.url);
  const body = init.body ? JSON.parse(init.body) : {};
  const extensions = body.extensions ?? JSON.parse(target.searchParams.get("extensions") ?? "{}");
  const response = await fetch(input, init);
  const answer = await response.clone().json();
  exchanges.push({
    client,
    method: init.method ?? "GET",
    sentQuery: Boolean(body.query ?? target.searchParams.get("query")),
    sentHash: extensions.persistedQuery?.sha256Hash ?? null,
    status: response.status,
    cacheControl: response.headers.get("cache-control"),
    codes: (answer.errors ?? []).map((error) => error.extensions?.code),
  });
  return response;
}

function apollo() {
  const http = new HttpLink({ uri: url, fetch: (input, init) => recorded("apollo", input, init) });
  const link = new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(http);
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

function urql() {
  return new Client({
    url,
    fetch: (input, init) => recorded("urql", input, init),
    exchanges: [persistedExchange({ preferGetForPersistedQueries: true }), fetchExchange],
    requestPolicy: "network-only",
  });
}

const results = {};
// Each client runs twice, as two browser tabs would: the second finds the query registered by the first.
for (const run of [1, 2]) {
  const { data } = await apollo().query({ query: gql(query), variables, fetchPolicy: "no-cache" });
  results[`apollo${run}`] = data;
}
for (const run of [1, 2]) {
  const { data, error } = await urql().query(query, variables).toPromise();
  if (error) throw error;
  results[`urql${run}`] = data;
}
process.stdout.write(JSON.stringify({ results, exchanges }));
