"""Channels: group rooms, direct threads, notifications, presence."""
