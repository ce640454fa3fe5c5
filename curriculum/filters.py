"""The public lesson list's filters: stage, audience, offence, delivery mode and words."""

import django_filters
from django.utils.translation import gettext_lazy as _

from curriculum.models import Audience, DeliveryMode, LessonPage, LessonStage
from portal import keywords
from portal.models import OffenceCategory


class LessonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Words"), method="filter_words")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=LessonStage.choices)
    audience = django_filters.ChoiceFilter(
        label=_("Audience"), choices=Audience.choices, method="filter_audience"
    )
    offence = django_filters.ModelChoiceFilter(
        label=_("Offence"),
        queryset=OffenceCategory.objects.filter(is_active=True),
        to_field_name="code",
        method="filter_offence",
    )
    mode = django_filters.ChoiceFilter(
        label=_("Delivery"), choices=DeliveryMode.choices, method="filter_mode"
    )

    class Meta:
        model = LessonPage
        fields = ["q", "stage", "audience", "offence", "mode"]

    def filter_words(self, queryset, name, value):
        """The site search's words (portal.keywords.ids: jieba, title, summary and body)."""
        found = keywords.ids(getattr(self.request, "user", None), value[:50], kind="lesson")
        return queryset if found is None else queryset.filter(pk__in=found)

    def filter_audience(self, queryset, name, value):
        # A lesson for everyone suits adults and juveniles alike.
        return queryset.filter(audience__in=[value, Audience.ALL])

    def filter_offence(self, queryset, name, value):
        return queryset.filter(offences=value)

    def filter_mode(self, queryset, name, value):
        if value == DeliveryMode.BOTH:
            return queryset.filter(delivery_mode=value)
        return queryset.filter(delivery_mode__in=[value, DeliveryMode.BOTH])
