"""The name of every field a person fills in or a service refuses, in the user's language.

A refusal names its field by id (`id_number`); pages, the API and imports show that id through `label()`,
so a problem always reads "身份证号：…" and never "id_number: …". The context "field" keeps these names
apart from the same English words used elsewhere (a "Level" of the tree is not a response "Level").
"""

from django.utils.translation import pgettext_lazy

LABELS = {
    "action": pgettext_lazy("field", "Next step"),
    "address_code": pgettext_lazy("field", "Address code"),
    "admitted": pgettext_lazy("field", "In hospital today"),
    "arrived_at": pgettext_lazy("field", "Arrived at"),
    "beds": pgettext_lazy("field", "Beds available"),
    "birth_date": pgettext_lazy("field", "Birth date"),
    "born_after": pgettext_lazy("field", "Born after"),
    "born_before": pgettext_lazy("field", "Born before"),
    "category": pgettext_lazy("field", "Category"),
    "checkpoint": pgettext_lazy("field", "Checkpoint"),
    "code": pgettext_lazy("field", "Area code"),
    "contact_history": pgettext_lazy("field", "Contact history"),
    "date": pgettext_lazy("field", "Date"),
    "day": pgettext_lazy("field", "Day"),
    "days": pgettext_lazy("field", "Number of days"),
    "destination": pgettext_lazy("field", "Destination outside the jurisdiction"),
    "doubling_time": pgettext_lazy("field", "Doubling time (days)"),
    "file": pgettext_lazy("field", "File"),
    "geojson": pgettext_lazy("field", "Boundary file (GeoJSON)"),
    "grid_code": pgettext_lazy("field", "Destination grid"),
    "hospital": pgettext_lazy("field", "Hospital"),
    "hospitalization_rate": pgettext_lazy("field", "Infections needing a bed"),
    "household_code": pgettext_lazy("field", "Household code"),
    "id_number": pgettext_lazy("field", "ID number"),
    "id_type": pgettext_lazy("field", "ID type"),
    "jurisdiction": pgettext_lazy("field", "Jurisdiction"),
    "kind": pgettext_lazy("field", "Kind"),
    "length_of_stay": pgettext_lazy("field", "Length of stay (days)"),
    "level": pgettext_lazy("field", "Level"),
    "mode": pgettext_lazy("field", "Travel mode"),
    "name": pgettext_lazy("field", "Full name"),
    "pdf": pgettext_lazy("field", "PDF"),
    "q": pgettext_lazy("field", "Search"),
    "nationality": pgettext_lazy("field", "Nationality"),
    "note": pgettext_lazy("field", "Note"),
    "onset_date": pgettext_lazy("field", "Onset date"),
    "order": pgettext_lazy("field", "Observation order"),
    "origin_code": pgettext_lazy("field", "Place of origin"),
    "origin_name": pgettext_lazy("field", "Name of the place of origin"),
    "parent_code": pgettext_lazy("field", "Parent code"),
    "password": pgettext_lazy("field", "Password"),
    "person": pgettext_lazy("field", "Person"),
    "phone": pgettext_lazy("field", "Phone"),
    "plate": pgettext_lazy("field", "Plate or vessel number"),
    "population": pgettext_lazy("field", "Population"),
    "reason": pgettext_lazy("field", "Reason"),
    "region": pgettext_lazy("field", "Requesting region"),
    "register": pgettext_lazy("field", "Register"),
    "relative_contact_rate": pgettext_lazy("field", "Contacts cut by distancing"),
    "reported_at": pgettext_lazy("field", "Reported at"),
    "resolution": pgettext_lazy("field", "Resolution"),
    "role": pgettext_lazy("field", "Role"),
    "room": pgettext_lazy("field", "Room"),
    "rows": pgettext_lazy("field", "Rows"),
    "seed": pgettext_lazy("field", "Seed"),
    "severity": pgettext_lazy("field", "Severity"),
    "sex": pgettext_lazy("field", "Sex"),
    "sheet": pgettext_lazy("field", "Sheet"),
    "signal": pgettext_lazy("field", "Signal"),
    "source": pgettext_lazy("field", "Source"),
    "source_ref": pgettext_lazy("field", "Source reference"),
    "starts_at": pgettext_lazy("field", "Starts at"),
    "status": pgettext_lazy("field", "Status"),
    "step": pgettext_lazy("field", "Step"),
    "subject": pgettext_lazy("field", "Subject"),
    "symptoms": pgettext_lazy("field", "Symptoms"),
    "taken_at": pgettext_lazy("field", "Taken at"),
    "temperature": pgettext_lazy("field", "Temperature (°C)"),
    "threshold": pgettext_lazy("field", "Threshold"),
    "tier": pgettext_lazy("field", "Applies to"),
    "travel_history": pgettext_lazy("field", "Travel history (14 days)"),
    "user": pgettext_lazy("field", "User"),
    "username": pgettext_lazy("field", "User name"),
    "valid_from": pgettext_lazy("field", "From"),
    "valid_to": pgettext_lazy("field", "Until"),
    "vehicle": pgettext_lazy("field", "Train, flight or plate"),
    "workers": pgettext_lazy("field", "Writing processes"),
}


# On these forms an id means something else: a rule's name is not a person's, a rule's level is a response level.
FORM_LABELS = {
    "warning-rule-add": {"name": pgettext_lazy("field", "Rule name"),
                         "level": pgettext_lazy("field", "Response level")},
    "warning-level": {"level": pgettext_lazy("field", "Response level")},
    "risk-area-declare": {"name": pgettext_lazy("field", "Area name"), "level": pgettext_lazy("field", "Risk level")},
}


def label(field: str, form: str | None = None):
    """The field's name for people, on the form of that URL name; an id without a label is shown as it is, and a
    test keeps that from happening."""
    return FORM_LABELS.get(form, {}).get(field) or LABELS.get(field, field)
