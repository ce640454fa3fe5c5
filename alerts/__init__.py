"""Urgent alerts and drills (应急演练 / 突发事件): a coordinator reaches every social worker,
volunteer, partner contact and lead of a region's groups at once, and sees who acknowledged.

Delivery in layers, nothing lost: the alert and one row per recipient are stored first (one
transaction); after commit they are pushed over the notification socket (a full-screen banner
until acknowledged, on every page); whoever has not acknowledged after ALERTS_ACK_WAIT_SECONDS
gets an e-mail, and after twice that their group's lead a reminder naming them. Every step is a
timestamp on the recipient's row, so the Celery tasks and the beat sweep (which also re-pushes
what a killed web process never pushed) are idempotent.

reach (who receives), services (every write), delivery (push and escalation), selectors and
figures (the live board and the after-action report), sockets (the frames a browser sends)."""
