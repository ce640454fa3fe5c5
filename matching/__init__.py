"""The matching engine (DESIGN.md, "Matching"): hard constraints first, then an explained score,
and an optimal bulk assignment. The pure parts (facts, constraints, scoring, weights,
assignment) know nothing of the database, so they are tested exhaustively with plain data.

Around them: read (group facts) and candidates (people and offers, found in SQL by region and
need) read the database in a fixed number of queries; matrix scores many pairs at once with
numpy; suggest is the API the pages use (suggestions, refusal of one candidate, region overview,
bulk proposal); refresh keeps stored suggestions fresh and tells coordinators of new ones."""
