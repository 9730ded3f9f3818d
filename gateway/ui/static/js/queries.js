// The GraphQL documents the page sends. Counts for the filter menus ride in the same request as aliases.

const CARD = `fragment Card on Course {
  id title url category method durationHours
  price { amount formatted }
  rating { average count }
  provider { name }
  platform { slug name status }
  eligibility { status reasons { code message } }
}`;

const PAGE = "pageInfo { hasNextPage endCursor } edges { node { ...Card } }";

/** The first page of a search, the facets and platform health, and one count per alias in `counts`
 * (`{name, selection}`; the alias's filter is the variable of the same name). */
export function searchQuery(counts) {
  const variables = counts.map(({ name }) => `, $${name}: CourseFilter`).join("");
  const aliases = counts.map(({ name, selection }) => `${name}: courses(filter: $${name}, first: 1) { ${selection} }`);
  return `query Search($filter: CourseFilter, $sort: CourseSort!, $first: Int!${variables}) {
  platforms { slug name status lastRefreshedAt }
  page: courses(filter: $filter, sort: $sort, first: $first) {
    totalCount
    facets { platforms { value count } categories { value count } methods { value count } }
    ${PAGE}
  }
  ${aliases.join("\n  ")}
}
${CARD}`;
}

export const MORE = `query More($filter: CourseFilter, $sort: CourseSort!, $first: Int!, $after: String) {
  page: courses(filter: $filter, sort: $sort, first: $first, after: $after) { ${PAGE} }
}
${CARD}`;

export const COMPARE = `query Compare($ids: [ID!]!) {
  compare(ids: $ids) {
    ...Card
    provider { name nib }
    syllabus hasFinalAssessment
    otherOffers { id url price { amount formatted } platform { name status } eligibility { status } }
  }
}
${CARD}`;

export const VIEWER = `query Viewer {
  viewer {
    cardNumber scheme cardStatus firstPurchaseDeadline
    initialBalance { formatted } remainingBalance { formatted }
    purchases { courseId title purchasedAt status isBundle honoured price { formatted } platform { name } }
  }
}`;
