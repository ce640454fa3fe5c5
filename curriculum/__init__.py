"""Wagtail curriculum: monthly themes, lessons, sessions, attendance, learning hours."""
