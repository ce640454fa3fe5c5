"""Region dashboards (DESIGN.md, "dashboards"): the seed's own figures for every province, city,
county and judicial office, month by month, with trends, child-region comparisons and exports.

Figures are counts per region and month (models.MonthFigure), computed from the apps below
(compute/), kept current from their change announcements and by beat (services, tasks), and
rolled up the region tree when a page asks (selectors)."""
