// Runs the graphql-http package's GraphQL-over-HTTP server audit against the URL given, prints the results as JSON.
const { auditServer } = require("graphql-http");

auditServer({ url: process.argv[2] }).then((results) => {
  const seen = results.map(({ id, name, status, reason }) => ({ id, name, status, reason }));
  process.stdout.write(JSON.stringify(seen));
});
