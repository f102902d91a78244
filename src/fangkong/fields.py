"""The name of every field a person fills in or a service refuses, in the user's language.

A refusal names its field by id (`id_number`); pages, the API and imports show that id through `label()`,
so a problem always reads "身份证号：…" and never "id_number: …". The context "field" keeps these names
apart from the same English words used elsewhere (a "Level" of the tree is not a response "Level").
"""

from django.utils.translation import pgettext_lazy


def _(text):
    return pgettext_lazy("field", text)


LABELS = {
    "action": _("Next step"), "address_code": _("Address code"), "admitted": _("In hospital today"),
    "arrived_at": _("Arrived at"), "beds": _("Beds available"), "birth_date": _("Birth date"),
    "category": _("Category"), "checkpoint": _("Checkpoint"), "code": _("Area code"),
    "contact_history": _("Contact history"), "date": _("Date"), "day": _("Day"), "days": _("Number of days"),
    "destination": _("Destination outside the jurisdiction"), "doubling_time": _("Doubling time (days)"),
    "file": _("File"), "grid_code": _("Destination grid"), "hospital": _("Hospital"),
    "hospitalization_rate": _("Infections needing a bed"), "household_code": _("Household code"),
    "id_number": _("ID number"), "id_type": _("ID type"), "jurisdiction": _("Jurisdiction"),
    "kind": _("Kind"), "length_of_stay": _("Length of stay (days)"), "level": _("Level"), "mode": _("Travel mode"),
    "name": _("Name"), "nationality": _("Nationality"), "note": _("Note"), "onset_date": _("Onset date"),
    "order": _("Observation order"), "origin_code": _("Place of origin"), "origin_name": _("Name of the place of origin"),
    "parent_code": _("Parent code"), "password": _("Password"), "person": _("Person"), "phone": _("Phone"),
    "plate": _("Plate or vessel number"), "reason": _("Reason"), "region": _("Requesting region"),
    "register": _("Register"), "relative_contact_rate": _("Contacts cut by distancing"),
    "reported_at": _("Reported at"), "resolution": _("Resolution"), "role": _("Role"), "room": _("Room"),
    "rows": _("Rows"), "severity": _("Severity"), "sex": _("Sex"), "sheet": _("Sheet"), "signal": _("Signal"),
    "source": _("Source"), "source_ref": _("Source reference"), "starts_at": _("Starts at"), "status": _("Status"),
    "step": _("Step"), "subject": _("Subject"), "symptoms": _("Symptoms"), "taken_at": _("Taken at"),
    "temperature": _("Temperature (°C)"), "threshold": _("Threshold"), "tier": _("Applies to"),
    "travel_history": _("Travel history (14 days)"), "user": _("User"), "username": _("User name"),
    "valid_from": _("From"), "valid_to": _("Until"), "vehicle": _("Train, flight or plate"),
}


def label(field: str):
    """The field's name for people; an id without a label is shown as it is, and a test keeps that from happening."""
    return LABELS.get(field, field)
