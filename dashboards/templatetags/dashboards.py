"""Table rows of the dashboard, built in Python: a province's page has about a thousand cells,
and a template loop per cell was most of its time. Everything is escaped by format_html."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()
NOT_RECORDED = mark_safe(' class="not-recorded"')  # noqa: S308 - a constant, no input in it


@register.filter
def cells(child, columns):
    """A child region's comparison values in column order."""
    return [child.values[column.key] for column in columns]


def _cells(values):
    return format_html_join("", "<td>{}</td>", ((value,) for value in values))


@register.simple_tag
def figure_rows(view):
    """The section table's body: a figure (with its explanation) and the month's value."""
    return format_html_join(
        "\n",
        '<tr{}><th scope="row">{}{}</th><td>{}</td></tr>',
        (
            (
                NOT_RECORDED if not row.value.recorded else "",
                row.label,
                format_html("<small>{}</small>", row.help) if row.help else "",
                row.value,
            )
            for row in view.rows
        ),
    )


@register.simple_tag
def trend_body(view, months):
    """The twelve months of a section's headline figures: a row per month."""
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th>{}</tr>',
        ((label, _cells(values)) for label, values in view.trend_rows(months)),
    )
