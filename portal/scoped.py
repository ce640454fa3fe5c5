"""A person's to-do figures in one row, from queries scoped by the regions of their staff roles,
compiled once per process for each shape of those regions (portal.prepared): building the
scoped querysets (a LIKE per region, a dozen subqueries) cost more Python than the database
took to count. Each app's to-dos (groups, volunteers, partners, curriculum) use it."""

from collections.abc import Callable, Hashable

from django.db import connection

from portal import todo
from portal.models import User
from portal.prepared import Prepared
from portal.selectors import holding, staff_role_paths

_USER_STAND_IN = -7_204_841  # no user has a negative id


class RegionScopedRow:
    """A person's figures in one row, from a query scoped by the regions of their staff roles
    (portal.selectors.regions_covered_by and the selectors built on it), compiled once per
    process for each shape its SQL takes (portal.prepared).

    The scope's SQL has one LIKE per region, so a shape is: admin or not, the roles (of
    `roles`) the person holds, in order; portal.todo.CAP (which tests lower); and the caller's
    `variant` (which figures it asks for, with the values they take). For each shape,
    `figures(person, variant, **stand_ins)` is called once, with a stand-in person: a user
    whose id and whose roles' region paths are stand-ins, which the selectors read as they
    read anyone's (portal.selectors.holding). Each path reaches the SQL as the LIKE pattern
    its startswith makes of it, and the real person's pattern is put in its place. `figures`
    gives {name: expression}; the row is the person's own row of the user table with them (so
    their id always reaches the SQL)."""

    def __init__(self, figures: Callable[..., dict], *, roles, **stand_ins):
        self.figures = figures
        self.roles = frozenset(roles)
        self.stand_ins = stand_ins
        self._prepared: dict[tuple, Prepared] = {}

    def get(self, user: User, variant: Hashable = None, **values) -> dict:
        """The row for `user`; `values` in place of the stand-ins of the same names (those of
        the figures the variant asks for: each must reach the SQL)."""
        held = (
            []
            if user.is_superuser
            else [(role, path) for role, path in staff_role_paths(user) if role in self.roles]
        )
        roles = tuple(role for role, _path in held)
        key = (user.is_superuser, roles, todo.CAP, variant)
        prepared = self._prepared.get(key)
        if prepared is None:
            stand_ins = {name: self.stand_ins[name] for name in values}
            prepared = self._prepared[key] = self._prepare(
                user.is_superuser, roles, variant, stand_ins
            )
        # Django escapes a startswith's value and adds the "%" in the same way.
        patterns = {
            f"path{i}": connection.ops.prep_for_like_query(path) + "%"
            for i, (_role, path) in enumerate(held)
        }
        return prepared.dicts(user_id=user.pk, **patterns, **values)[0]

    def _prepare(self, superuser: bool, roles: tuple, variant, stand_ins: dict) -> Prepared:
        def build(user_id, **values):
            person = User(pk=user_id, is_superuser=superuser)
            paths = [values.pop(f"path{i}").removesuffix("%") for i in range(len(roles))]
            holding(person, tuple(zip(roles, paths, strict=True)))
            figures = self.figures(person, variant, **values)
            return User.objects.filter(pk=user_id).values(**figures)

        patterns = {f"path{i}": f"~stand-in path {i}~%" for i in range(len(roles))}
        return Prepared(build, user_id=_USER_STAND_IN, **patterns, **stand_ins)
