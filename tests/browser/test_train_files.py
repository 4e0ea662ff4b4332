"""Awkward files through the real upload widget: a short-Chinese file loads with no error (in Chinese, with our own
caption beside Streamlit's English drop zone), and the preview's CSV download has its formulas escaped while the
table's raw export is switched off."""

from __future__ import annotations

import csv
import io

from core.escape import WORD_JOINER
from tests.browser.conftest import assert_no_exception, screenshot, wait_ready
from tests.browser.test_train import keyed

SHORT_CHINESE = ["很好吃", "服务差", "环境不错", "太贵了", "还会再来", "不推荐", "味道一般", "非常满意"]
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd|' /C x'!A0"]


def open_train(page, server, lang: str) -> None:
    page.goto(f"{server}/train?lang={lang}")
    wait_ready(page)


def upload(page, tmp_path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    keyed(page, "train.upload").locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text(name).first.wait_for()
    wait_ready(page)


def test_short_chinese_file_loads_without_an_error(page, server, tmp_path):
    open_train(page, server, "zh")
    assert page.get_by_text("单个文件最大 50 MiB").count()  # our caption in Chinese beside Streamlit's own strings
    rows = "".join(f"{SHORT_CHINESE[index % 8]},{'正面' if index % 2 == 0 else '负面'}\n" for index in range(60))
    upload(page, tmp_path, "short_zh.csv", ("text,label\n" + rows).encode("utf-8"))
    assert_no_exception(page, "after the short-Chinese upload")
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert keyed(page, "train.start").get_by_role("button").first.is_enabled()
    screenshot(page, "train_short_chinese_zh")


def test_preview_download_escapes_formulas(page, server, tmp_path):
    open_train(page, server, "en")
    buffer = io.StringIO()
    csv.writer(buffer).writerows([("text", "label")] + [(f"{HOSTILE[index % 4]} {index}", "ab"[index % 2])
                                                        for index in range(20)])
    upload(page, tmp_path, "hostile.csv", buffer.getvalue().encode("utf-8"))
    assert_no_exception(page, "after the hostile upload")
    page.locator('[data-testid="stDataFrame"]').first.hover()
    assert page.get_by_role("button", name="Download as CSV").count() == 0  # the raw export is off
    with page.expect_download() as download_info:
        keyed(page, "train.preview_download").get_by_role("button").click()
    text = download_info.value.path().read_bytes().decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert len(cells) == 20 and all(cell.startswith("'") for cell in cells), cells[:4]
    assert cells[0] == "'" + HOSTILE[0] + " 0"


def test_a_label_that_is_a_link_is_shown_as_written(page, server, tmp_path):
    # one class whose label is Markdown for a link: the error names it, as text, with no link on the page
    link = "[win a prize](https://evil.example)"
    rows = "".join(f"sentence number {index} here,{link}\n" for index in range(20))
    open_train(page, server, "en")
    upload(page, tmp_path, "one_link_class.csv", ("text,label\n" + rows).encode("utf-8"))
    alert = page.locator('[data-testid="stAlertContentError"]').first
    alert.wait_for()
    assert link in alert.inner_text().replace(WORD_JOINER, "")  # the invisible joiner keeps it from linking
    assert page.locator('a[href*="evil.example"]').count() == 0
