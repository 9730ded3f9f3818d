"""The server's read side of a snapshot: searching, filtering, sorting and paging courses, and eligibility."""
