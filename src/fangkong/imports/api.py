import datetime as dt

from ninja import File, Form, Header, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from fangkong.pagination import Pages
from fangkong.schema_types import Flag, Id, Text

from . import services

router = Router(tags=["imports"])


class ImportOut(Schema):
    id: int
    register_name: str
    filename: str
    status: str
    sheet: str
    header_row: int
    total_rows: int
    checked_rows: int
    refused_rows: int
    repeated_rows: int
    valid_rows: int
    written_rows: int
    percent: int
    uploaded_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_register_name(job) -> str:
        return job.register


class RefusalOut(Schema):
    row: int
    column: str
    header: str
    message: str
    repeat: bool


class ChoiceIn(Schema):
    import_valid: Flag


@router.get("/imports", response=list[ImportOut], summary="The caller's own uploads, newest first")
@paginate(Pages, page_size=50)
def list_imports(request):
    return services.jobs_for(request.auth)


# GET /imports/5 reads a job, POST /imports/arrivals uploads to a register: one path, so that one URL pattern
# answers both methods (two patterns would match each other's URLs and answer 405).
@router.get("/imports/{key}", response=ImportOut, summary="One upload of the caller's: `key` is the job's id")
def status(request, key: Id):
    return services.get_job_for(request.auth, key)


@router.post("/imports/{key}", response={200: ImportOut, 201: ImportOut},
             summary="Upload an .xlsx of a register (`key`: arrivals or assist); every row is checked before "
                     "anything is written. Call /step until the status is no longer 'checking'. A file that is not "
                     "the register at all comes back with status 'refused' and its reasons under /refusals. An "
                     "Idempotency-Key counts once.")
def upload(request, key: Text(20), file: File[UploadedFile], region: Text(120) = Form(""),
           idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    job, created = services.upload(request.auth, key, file.name, file.read(), region=region,
                                   idempotency_key=idempotency_key or None)
    return Status(201 if created else 200, job)


@router.post("/imports/{int:job_id}/step", response=ImportOut,
             summary="Advance the check or the import for about a second and a half; returns where it stands")
def step(request, job_id: Id):
    return services.step(request.auth, job_id)


@router.post("/imports/{int:job_id}/choice", response=ImportOut,
             summary="Once checked: import the valid rows (then call /step until 'imported'), or nothing at all")
def choose(request, job_id: Id, payload: ChoiceIn):
    return services.choose(request.auth, job_id, import_valid=payload.import_valid)


@router.get("/imports/{int:job_id}/refusals", response=list[RefusalOut],
            summary="Each refusal: the row (0 = the file as a whole), the column, its header, the reason")
@paginate(Pages, page_size=100)
def refusals(request, job_id: Id):
    job = services.get_job_for(request.auth, job_id)
    return job.refusals.order_by("row", "id")
