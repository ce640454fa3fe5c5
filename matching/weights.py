"""Every weight of the matching score, in one place. A score is the sum of the parts below, each
a fraction in [0, 1] times its weight, so the best possible score is 100.

- COVERAGE (45): the share of the group's needs the candidate serves, each need counted by its
  priority weight (high 3, medium 2, low 1). Covering one more need never lowers the score.
- REGION (20): 1 same judicial office, .75 same county, .5 same city, .25 same province.
- AVAILABILITY (12): the share of the group's meeting slots the person is free for (any slot
  counts fully when the group states none).
- LANGUAGE (8): a language or dialect in common.
- QUALIFICATION (10): for strict supervision only, the social-work qualification level / 3.
- LOAD (5): spare capacity / maximum, so work spreads fairly.
- For jobs: BENEFITS (10) housing/meals/training answering housing/health/skills needs, and
  SALARY (10) above the local minimum scale.
"""

COVERAGE = 45
REGION = 20
AVAILABILITY = 12
LANGUAGE = 8
QUALIFICATION = 10
LOAD = 5
BENEFITS = 10
SALARY = 10

PRIORITY_WEIGHT = {1: 3, 2: 2, 3: 1}
CLOSENESS = {4: 1.0, 3: 0.75, 2: 0.5, 1: 0.25}  # depth of the deepest shared region
# A monthly salary at or above this counts fully (yuan); below scales down.
SALARY_FULL = 6000
