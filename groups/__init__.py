"""Correction groups (矫正小组): pseudonymous cases, needs, restrictions, membership, matching."""
