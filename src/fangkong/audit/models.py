"""Who saw or changed what, when and why (PIPL: every view and export of a person)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong import actors


class Action(models.TextChoices):
    VIEW_PERSON = "view_person", _("Viewed a person")
    EXPORT_PERSON = "export_person", _("Exported a person")
    REGISTER_PERSON = "register_person", _("Registered a person")
    LOGIN = "login", _("Logged in")
    LOGIN_REFUSED = "login_refused", _("Login refused")
    TOKEN_CREATED = "token_created", _("API token created")
    CASE_TRANSITION = "case_transition", _("Changed a case")
    QUARANTINE_CHANGE = "quarantine_change", _("Changed a quarantine order")
    ALERT_CHANGE = "alert_change", _("Handled an alert")
    LEVEL_CHANGE = "level_change", _("Changed a response level")
    PLAYBOOK_CHANGE = "playbook_change", _("Opened or advanced a playbook")
    BULLETIN_PUBLISHED = "bulletin_published", _("Published a bulletin")
    RISK_AREA_CHANGE = "risk_area_change", _("Declared or lifted a risk area")
    HANDOVER_CHANGE = "handover_change", _("Confirmed a checkpoint handover, or marked it overdue")
    ASSIST_ANSWER = "assist_answer", _("Answered an assist request")
    IMPORT = "import", _("Imported a register file")
    USER_CREATED = "user_created", _("Created a user")
    JURISDICTIONS_LOADED = "jurisdictions_loaded", _("Loaded the jurisdiction tree")
    SYMPTOM_REPORT = "symptom_report", _("Entered or resolved a symptom report")
    SITE_CHANGE = "site_change", _("Set up a quarantine site")
    READING = "reading", _("Recorded a temperature reading")
    ARRIVAL_CHANGE = "arrival_change", _("Registered or followed up an arrival")
    ASSIST_RECEIVED = "assist_received", _("Received an assist request")
    CHECKPOINT_CHANGE = "checkpoint_change", _("Set up a checkpoint")
    CHECKPOINT_ENTRY = "checkpoint_entry", _("Recorded a checkpoint entry")
    REPORT_SUBMITTED = "report_submitted", _("Submitted a daily zero report")
    RULE_CHANGE = "rule_change", _("Added or switched a warning rule")
    RULE_FIRED = "rule_fired", _("A warning rule fired, or stood down")
    BULLETIN_DRAFTED = "bulletin_drafted", _("Drafted a bulletin")
    # Kinds of the registers that follow the trust work, declared together so their apps share one migration.
    PATHWAY_STEP = "pathway_step", _("Moved a person along the care pathway")
    SAMPLE_CHANGE = "sample_change", _("Took, received or re-tested a sample")
    TEST_RESULT = "test_result", _("Recorded a test result")
    CAMPAIGN_CHANGE = "campaign_change", _("Declared or advanced a mass-testing campaign")
    INVESTIGATION_CHANGE = "investigation_change", _("Opened or updated an epidemiological investigation")
    CONTACT_CHANGE = "contact_change", _("Registered or changed a contact")
    VENUE_CHANGE = "venue_change", _("Set up a venue or its code")
    VENUE_SCAN = "venue_scan", _("Recorded a venue scan")
    EXPOSURE_MATCH = "exposure_match", _("Matched scans against a case's exposure windows")
    FACILITY_CHANGE = "facility_change", _("Changed a facility, ward or bed")
    ADMISSION_CHANGE = "admission_change", _("Admitted, transferred or discharged a patient")
    STOCK_CHANGE = "stock_change", _("Changed a stock ledger")
    SUPPLY_REQUEST = "supply_request", _("Requested, allocated or shipped supplies")
    STAFF_CHANGE = "staff_change", _("Changed a staff record, echelon or deployment")
    ROSTER_CHANGE = "roster_change", _("Solved, published or edited a roster")
    INSPECTION_CHANGE = "inspection_change", _("Recorded an inspection, finding or rectification")
    TASK_CHANGE = "task_change", _("Changed a task or a supervision visit")
    PUBLIC_REPORT = "public_report", _("Received or handled a report from the public")
    DOSE_CHANGE = "dose_change", _("Recorded or imported a vaccine dose")
    GOODS_CHANGE = "goods_change", _("Changed a goods batch, its tests or disinfection")
    PASS_CHANGE = "pass_change", _("Issued, checked or revoked a green-channel pass")
    SELF_REPORT = "self_report", _("Issued or used a self-report link")
    PURGE = "purge", _("Purged records past their retention")


class Channel(models.TextChoices):
    """How the actor reached us (fangkong.actors sets it at each entry)."""

    WEB = actors.WEB, _("Web pages")
    API = actors.API, _("API")
    CLI = actors.CLI, _("Command line")
    IMPORT = actors.IMPORT, _("Import from a file")


class Reason(models.TextChoices):
    """Why a person's data was opened; the viewer picks one, the default is routine management."""

    ROUTINE = "routine", _("Routine management")
    SEARCH = "search", _("Opened from a search")
    FOLLOW_UP = "follow_up", _("Follow-up / visit")
    INVESTIGATION = "investigation", _("Epidemiological investigation")
    VERIFICATION = "verification", _("Identity verification")
    SUPERVISION = "supervision", _("Supervision / inspection")
    REPORTING = "reporting", _("Reporting / statistics")
    INTEGRATION = "integration", _("Other system (API)")


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=10, blank=True, choices=Channel.choices)  # blank: no entry set one
    ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["person", "at"]), models.Index(fields=["actor", "at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
