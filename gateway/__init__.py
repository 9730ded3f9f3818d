"""prakerja-gateway: one GraphQL API over every Kartu Prakerja platform's course catalogue."""
