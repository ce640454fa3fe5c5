"""Volunteers and social workers: onboarding, vetting, service hours and star levels, activities."""
