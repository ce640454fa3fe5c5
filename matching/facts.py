"""What matching knows about each side, as plain data read once per request."""

from dataclasses import dataclass, field

Slot = tuple[int, str]  # (weekday 0=Monday .. 6, "morning" | "afternoon" | "evening")


@dataclass(frozen=True)
class GroupFacts:
    id: int
    code: str
    office_path: str  # treebeard path of the judicial office
    needs: dict[str, int]  # need code -> priority (1 high, 2 medium, 3 low)
    supervision_level: str = "ordinary"
    is_juvenile: bool = False
    offence: str = ""
    approved_paths: tuple[str, ...] = ()  # execution area; empty = the office's county
    forbidden_industries: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    slots: frozenset[Slot] = frozenset()  # when the group meets; empty = any time
    excluded: frozenset[tuple[str, int]] = frozenset()  # (kind, id) already in or declined


@dataclass(slots=True)
class PersonFacts:
    """An approved volunteer or social worker.

    Not frozen, unlike the others: a group's candidates are built a thousand at a time, and a
    frozen dataclass sets each field through object.__setattr__, four times the cost of the
    whole plain __init__ (some 3 ms a request). Nothing changes one after it is built."""

    id: int
    kind: str  # "volunteer" | "social_worker"
    name: str
    serves: frozenset[str]  # need codes their skills serve
    skill_names: dict[str, str] = field(default_factory=dict)  # need code -> skill name shown
    region_paths: tuple[str, ...] = ()  # regions served
    slots: frozenset[Slot] = frozenset()
    languages: frozenset[str] = frozenset()
    qualification: int = 0  # 0 none, 1 assistant, 2 social worker, 3 senior
    load: int = 0  # active groups now
    max_groups: int = 1
    cleared_for_juveniles: bool = False
    vetted: bool = True
    suspended: bool = False

    @property
    def capacity(self) -> int:
        return max(self.max_groups - self.load, 0)


@dataclass(frozen=True)
class OfferFacts:
    """An open job placement or programme of a verified organisation."""

    id: int
    kind: str  # "job" | "programme"
    title: str
    serves: frozenset[str]  # need codes it answers (employment, vocational skills ...)
    region_paths: tuple[str, ...]  # work locations / where it runs
    industry: str = ""
    excluded_offences: frozenset[str] = frozenset()
    salary_min: int = 0
    benefits: frozenset[str] = frozenset()  # housing, meals, training
    open: bool = True  # published and between its opening and closing dates
    places_left: int = 1  # positions (or capacity) minus live referrals
    verified: bool = True
