"""The score of a candidate for a group, with the facts behind it as short phrases a coordinator
reads ("心理咨询技能匹配", "同一司法所", "周三下午有空"). Weights: matching.weights."""

from dataclasses import dataclass

from django.utils.translation import get_language, gettext_noop, pgettext_lazy
from django.utils.translation import gettext as _

from groups.reference import NEEDS
from matching import weights as w
from matching.facts import GroupFacts, OfferFacts, PersonFacts
from portal.models import Region

# Marked for translation here, translated one at a time when used (scoring runs thousands of
# times in a refresh: translating every name on each call was most of its cost).
# Days and benefits carry the context "reason": other apps translate the bare words otherwise
# (星期三 on a form, 周三 in a reason), and the first app's catalogue would win for everyone.
DAYS = (pgettext_lazy("reason", "Monday"), pgettext_lazy("reason", "Tuesday"),
        pgettext_lazy("reason", "Wednesday"), pgettext_lazy("reason", "Thursday"),
        pgettext_lazy("reason", "Friday"), pgettext_lazy("reason", "Saturday"),
        pgettext_lazy("reason", "Sunday"))  # fmt: skip
BENEFITS = {"housing": pgettext_lazy("reason", "housing"),
            "meals": pgettext_lazy("reason", "meals"),
            "training": pgettext_lazy("reason", "training")}  # fmt: skip
PARTS = {"morning": gettext_noop("morning"), "afternoon": gettext_noop("afternoon"),
         "evening": gettext_noop("evening")}  # fmt: skip
CLOSENESS_REASONS = {
    1.0: gettext_noop("same judicial office"),
    0.75: gettext_noop("same county"),
    0.5: gettext_noop("same city"),
    0.25: gettext_noop("same province"),
}


def _day(day: int) -> str:
    return str(DAYS[day])


def _need(code: str) -> str:
    """A need's name in the active language (the starting taxonomy; other codes as they are)."""
    names = {c: (zh, en) for c, zh, en in NEEDS}
    if code not in names:
        return code
    zh, en = names[code]
    return en.lower() if (get_language() or "").startswith("en") else zh


def _benefit(benefit: str) -> str:
    return str(BENEFITS[benefit])


def _part(part: str) -> str:
    return _(PARTS[part])


@dataclass(frozen=True)
class Scored:
    kind: str
    id: int
    score: float
    reasons: tuple[str, ...]


def coverage(serves: frozenset[str], needs: dict[str, int]) -> float:
    """Share of the group's needs served, weighted by priority; 0 when the group needs nothing."""
    total = sum(w.PRIORITY_WEIGHT[p] for p in needs.values())
    if not total:
        return 0.0
    return sum(w.PRIORITY_WEIGHT[p] for code, p in needs.items() if code in serves) / total


def closeness(paths: tuple[str, ...], office_path: str) -> float:
    """How near the candidate is: the deepest level any of their regions shares with the
    group's judicial office (serving the whole county counts as the same county)."""
    best = max((Region.shared_level(path, office_path) for path in paths), default=0)
    return w.CLOSENESS.get(best, 0.0)


def _closeness_reason(value: float) -> str | None:
    reason = CLOSENESS_REASONS.get(value)
    return _(reason) if reason else None


def score_person(person: PersonFacts, group: GroupFacts, *, explain: bool = True) -> Scored:
    """The score and, with `explain`, its reasons (without: the same score, no reasons, which
    spares translating them for lists that show only scores)."""
    reasons = []
    served = [code for code in group.needs if code in person.serves]
    if explain:
        for code in sorted(served, key=lambda c: group.needs[c]):
            skill = person.skill_names.get(code, code)
            reasons.append(_("%(skill)s skill matches") % {"skill": skill})
    total = w.COVERAGE * coverage(person.serves, group.needs)

    near = closeness(person.region_paths, group.office_path)
    total += w.REGION * near
    if explain and (reason := _closeness_reason(near)):
        reasons.append(reason)

    if group.slots:
        common = sorted(person.slots & group.slots)
        total += w.AVAILABILITY * len(common) / len(group.slots)
        if explain:
            reasons += [_("free on %(day)s %(part)s") % {"day": _day(d), "part": _part(p)}
                        for d, p in common[:2]]  # fmt: skip
    elif person.slots:
        total += w.AVAILABILITY
        if explain:
            d, p = min(person.slots)
            reasons.append(_("free on %(day)s %(part)s") % {"day": _day(d), "part": _part(p)})

    if common_languages := sorted(person.languages & group.languages):
        total += w.LANGUAGE
        if explain:
            reasons.append(_("speaks %(language)s") % {"language": common_languages[0]})

    if group.supervision_level == "strict" and person.qualification:
        total += w.QUALIFICATION * person.qualification / 3
        if explain:
            reasons.append(_("qualified for strict supervision"))

    total += w.LOAD * person.capacity / max(person.max_groups, 1)
    return Scored(person.kind, person.id, round(total, 2), tuple(reasons))


def score_offer(offer: OfferFacts, group: GroupFacts, *, explain: bool = True) -> Scored:
    """As score_person, for a job or programme."""
    reasons = []
    served = [code for code in group.needs if code in offer.serves]
    total = w.COVERAGE * coverage(offer.serves, group.needs)
    if served and explain:
        names = "、".join(_need(code) for code in served)
        reasons.append(_("answers the need for %(needs)s") % {"needs": names})
    near = closeness(offer.region_paths, group.office_path)
    total += w.REGION * near
    if explain and (reason := _closeness_reason(near)):
        reasons.append(reason)
    if offer.kind == "job":
        answered = {"housing": "housing", "meals": "health", "training": "vocational_skills"}
        useful = sorted(b for b in offer.benefits if answered.get(b) in group.needs)
        if useful:
            total += w.BENEFITS * len(useful) / 3
            if explain:
                names = "、".join(_benefit(b) for b in useful)
                reasons.append(_("benefits: %(benefits)s") % {"benefits": names})
        if offer.salary_min:
            total += w.SALARY * min(offer.salary_min / w.SALARY_FULL, 1.0)
    return Scored(offer.kind, offer.id, round(total, 2), tuple(reasons))
