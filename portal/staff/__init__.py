"""Staff administration: admins, and coordinators for the regions at or below their own, invite
people to staff roles, list and filter the roles they cover, see a person's roles and revoke
them. Who may do what is portal.rights; the writes are portal.services.staff_role_grant and
staff_role_revoke (plus the invitation in services.py here); every one is audited."""
