"""What socket tests check once their sockets are closed: the channel layer keeps no group
membership behind (a leak delivers events to dead channels and grows without bound).

The in-memory layer of the embedded defaults is inspected; channels_redis keeps its groups in
Redis with an expiry, where other tests' keys would be seen too, so there nothing is checked.
"""

from channels.layers import InMemoryChannelLayer, get_channel_layer


def channel_groups() -> dict[str, set[str]]:
    """Group -> channels still in it (empty on a layer that cannot be inspected)."""
    layer = get_channel_layer()
    if not isinstance(layer, InMemoryChannelLayer):
        return {}
    return {group: set(channels) for group, channels in layer.groups.items() if channels}


def assert_no_channel_groups_left():
    left = channel_groups()
    assert not left, f"groups still hold channels after every socket closed: {left}"
