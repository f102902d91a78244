from django.contrib import admin
from django.urls import include, path

from fangkong.accounts import views as accounts_views
from fangkong.api import api
from fangkong.bulletins import views as bulletin_views
from fangkong.cases import views as case_views
from fangkong.checkpoints import views as checkpoint_views
from fangkong.dashboard import views as dashboard_views
from fangkong.imports import views as import_views
from fangkong.jurisdictions import views as jurisdiction_views
from fangkong.people import views as people_views
from fangkong.quarantine import views as quarantine_views
from fangkong.reporting import views as reporting_views
from fangkong.screening import views as screening_views
from fangkong.selfreport import views as selfreport_views
from fangkong.warning import views as warning_views
from fangkong.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("today/", web_views.day_work, name="today"),
    path("sw.js", web_views.service_worker, name="service-worker"),
    path("offline/", web_views.offline, name="offline"),
    path("favicon.ico", web_views.favicon, name="favicon"),
    path("login/", accounts_views.login_view, name="login"),
    path("logout/", accounts_views.logout_view, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("j/<str:code>/", jurisdiction_views.browse, name="jurisdiction"),
    path("j/<str:code>/tree/", jurisdiction_views.tree_children, name="jurisdiction-tree"),
    path("j/<str:code>/map.json", jurisdiction_views.map_data, name="jurisdiction-map"),
    path("j/<str:code>/persons.<str:fmt>", people_views.export, name="persons-export"),
    path("persons/", people_views.search, name="person-search"),
    path("persons/<int:person_id>/", people_views.detail, name="person"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard-home"),
    path("dashboard/<str:code>/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/<str:code>/panel/<str:panel>/", dashboard_views.screen_panel, name="screen-panel"),
    path("dashboard/<str:code>/records/<str:figure>/", dashboard_views.figure_records, name="figure-records"),
    path("forecast/", dashboard_views.forecast, name="forecast"),
    path("cases/", case_views.case_list, name="cases"),
    path("cases/<int:case_id>/", case_views.case_detail, name="case"),
    path("cases/<int:case_id>/transition/", case_views.case_transition, name="case-transition"),
    path("persons/<int:person_id>/case/", case_views.open_case, name="case-open"),
    path("persons/<int:person_id>/symptoms/", case_views.report_symptoms, name="symptoms-report"),
    path("ledger/", case_views.ledger, name="ledger"),
    path("ledger/<int:entry_id>/resolve/", case_views.resolve_entry, name="ledger-resolve"),
    path("observation/", quarantine_views.observation, name="observation"),
    path("persons/<int:person_id>/reading/", quarantine_views.add_reading, name="reading-add"),
    path("persons/<int:person_id>/observation/", quarantine_views.place_order, name="order-place"),
    path("orders/<int:order_id>/end/", quarantine_views.end_order, name="order-end"),
    path("alerts/", quarantine_views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/<str:step>/", quarantine_views.alert_step, name="alert-step"),
    path("warning/", warning_views.warning, name="warning"),
    path("warning/rules/", warning_views.add_rule, name="warning-rule-add"),
    path("warning/rules/<int:rule_id>/active/", warning_views.toggle_rule, name="warning-rule-toggle"),
    path("warning/level/", warning_views.change_level, name="warning-level"),
    path("warning/drill/", warning_views.start_drill, name="warning-drill"),
    path("warning/tasks/<int:task_id>/done/", warning_views.complete_task, name="warning-task-done"),
    path("bulletins/", bulletin_views.bulletin_list, name="bulletins"),
    path("bulletins/draft/", bulletin_views.draft, name="bulletin-draft"),
    path("bulletins/<int:bulletin_id>/", bulletin_views.bulletin_page, name="bulletin"),
    path("bulletins/<int:bulletin_id>.pdf", bulletin_views.bulletin_pdf, name="bulletin-pdf"),
    path("bulletins/<int:bulletin_id>/publish/", bulletin_views.publish, name="bulletin-publish"),
    path("risk-areas/", screening_views.risk_areas, name="risk-areas"),
    path("risk-areas/declare/", screening_views.declare, name="risk-area-declare"),
    path("assist/", screening_views.assist_requests, name="assist-requests"),
    path("assist/<int:request_id>/answer/", screening_views.answer_assist_request, name="assist-answer"),
    path("assist/export.<str:fmt>", screening_views.export_assist_answers, name="assist-export"),
    path("arrivals/", screening_views.arrivals, name="arrivals"),
    path("arrivals/register/", screening_views.register_arrival, name="arrival-register"),
    path("arrivals/<int:arrival_id>/follow-up/", screening_views.follow_up_done, name="arrival-follow-up"),
    path("reports/", reporting_views.reports, name="reports"),
    path("reports/<str:code>/", reporting_views.reports, name="reports-of"),
    path("reports/<str:code>/submit/", reporting_views.submit, name="report-submit"),
    path("checkpoint/", checkpoint_views.checkpoint, name="checkpoint"),
    path("checkpoint/<int:checkpoint_id>/entries/", checkpoint_views.record_entry, name="checkpoint-entry"),
    path("handovers/", checkpoint_views.handovers, name="handovers"),
    path("handovers/<int:handover_id>/confirm/", checkpoint_views.confirm, name="handover-confirm"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/upload/", import_views.upload, name="import-upload"),
    path("imports/template/<str:register>.xlsx", import_views.template, name="import-template"),
    path("imports/<int:job_id>/", import_views.job_page, name="import"),
    path("imports/<int:job_id>/step/", import_views.step, name="import-step"),
    path("imports/<int:job_id>/choice/", import_views.choose, name="import-choice"),
    path("imports/<int:job_id>/refusals.<str:fmt>", import_views.refusals, name="import-refusals"),
    path("imports/<int:job_id>/refused-rows.xlsx", import_views.refused_rows, name="import-refused-rows"),
    path("self-report/", selfreport_views.links, name="self-report-links"),
    path("self-report/issue/", selfreport_views.issue, name="self-report-issue"),
    path("r/<str:token>/", selfreport_views.report, name="self-report"),
    path("exports/", web_views.exports, name="exports"),
    path("exports/<str:name>.<str:fmt>", web_views.export, name="register-export"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "fangkong.api.not_found_outside_routes"
