"""The matching engine (DESIGN.md, "Matching"): hard constraints first, then an explained score,
and an optimal bulk assignment. The pure parts (facts, constraints, scoring, assignment) know
nothing of the database, so they are tested exhaustively with plain data."""
