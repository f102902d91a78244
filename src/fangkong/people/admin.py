# Persons are deliberately not in the admin: every view of a person must go through
# people.services.view_person, which masks by role and writes the audit row.
