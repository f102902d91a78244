"""A file-level refusal speaks the uploader's language, whoever uploaded before in another one."""

from django.utils import translation

from fangkong.imports import services

from .workbooks import workbook


def refusal(user, language: str) -> str:
    with translation.override(language):
        job, _ = services.upload(user, "arrivals", f"{language}.xlsx", workbook([["张三"]], header=["姓名"]))
        return services.run_to_end(job).refusals.get().message


def test_the_register_is_named_in_the_language_of_each_upload(grid_worker):
    assert "缺少来返人员登记表的列" in refusal(grid_worker, "zh-hans")
    assert "of the arrival register" in refusal(grid_worker, "en")
