from django import template

register = template.Library()


@register.filter
def trend_rows(view, months):
    """A section's twelve months as table rows (SectionView.trend_rows)."""
    return view.trend_rows(months)


@register.filter
def cells(child, columns):
    """A child region's comparison values in column order."""
    return [child.values[column.key] for column in columns]
