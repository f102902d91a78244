from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.errors import InputRefused
from fangkong.web.exports import register_response
from fangkong.web.forms import form_key, submit

from . import services
from .models import ACTIVE, ImportStatus
from .registers import REGISTERS

SHOWN_REFUSALS = 500


@login_required
def imports(request):
    """Upload a register file, and the uploader's earlier files."""
    register = request.GET.get("register", "arrivals")
    jobs = list(services.jobs_for(request.user)[:30])
    for job in jobs:
        job.title = REGISTERS[job.register].title
    return render(request, "imports/imports.html", {
        "registers": REGISTERS.values(), "register_choices": [(r.name, capfirst(r.title)) for r in REGISTERS.values()],
        "chosen": register if register in REGISTERS else "arrivals",
        "jobs": jobs, "key": form_key()})


@login_required
@require_POST
def upload(request):
    upload_file = request.FILES.get("file")

    def action():
        if upload_file is None:
            raise InputRefused(("file", _("choose the .xlsx file to import")))
        job, _created = services.upload(
            request.user, request.POST.get("register", ""), upload_file.name, upload_file.read(),
            region=request.POST.get("region", ""), idempotency_key=request.POST.get("key") or None)
        return job

    return submit(request, action, _("File received: every row is checked before anything is imported"), "imports",
                  done=lambda job: redirect("import", job.pk))


def _job_context(job):
    refusals = job.refusals.order_by("row", "id")
    return {"job": job, "register": REGISTERS[job.register], "active": job.status in ACTIVE,
            "refusals": refusals[:SHOWN_REFUSALS], "more_refusals": max(0, refusals.count() - SHOWN_REFUSALS),
            "staged": job.status in (ImportStatus.CHECKING, ImportStatus.CHECKED)}


@login_required
def job_page(request, job_id):
    job = services.get_job_for(request.user, job_id)
    return render(request, "imports/job.html", _job_context(job))


@login_required
@require_POST
def step(request, job_id):
    """One bounded step of work, answered with the job's panel (htmx swaps it in and asks again)."""
    job = services.step(request.user, job_id)
    return render(request, "imports/_job_panel.html", _job_context(job))


@login_required
@require_POST
def choose(request, job_id):
    import_valid = request.POST.get("choice") == "import"
    return submit(request, lambda: services.choose(request.user, job_id, import_valid=import_valid),
                  _("Importing the valid rows") if import_valid else _("Nothing imported; the file's rows are deleted"),
                  "import", job_id)


@login_required
def refusals(request, job_id, fmt):
    job = services.get_job_for(request.user, job_id)
    return register_response(fmt, f"import-{job.pk}-refusals", services.refusal_columns(), services.refusal_rows(job),
                             sheet="未导入原因")


@login_required
def refused_rows(request, job_id):
    header, rows = services.refused_entries(request.user, job_id)
    return register_response("xlsx", f"import-{job_id}-refused-rows", header, rows, sheet="待修改")


@login_required
def template(request, register):
    chosen = REGISTERS.get(register)
    if chosen is None:
        raise Http404("No such register")
    response = HttpResponse(chosen.template(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{chosen.name}-template.xlsx"'
    return response
