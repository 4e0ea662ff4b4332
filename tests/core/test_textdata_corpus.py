"""The bad-file corpus: every awkward or hostile file we know of, generated here, with the one state it must end in.

A state is either ``loaded`` with exactly the notices that match what happened, or ``refused`` with one error code
(whose message exists in both languages). Found a new bad file? Add a Case: the corpus only grows.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.textdata.errors import DataError
from core.textdata.loading import read_table
from core.textdata.prepare import prepare

TEXT_ROOT = Path(__file__).resolve().parents[2] / "assets" / "text"


def table_text(rows, header=("text", "label"), delimiter=",", line_end="\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def labelled(texts, labels=("pos", "neg"), repeat=4):
    """Rows cycling through ``texts`` and ``labels`` ``repeat`` times, each text with a number so all differ."""
    return [(f"{text} {index}" if repeat > 1 else text, labels[index % len(labels)])
            for index, text in enumerate(list(texts) * repeat)]


ENGLISH = ["The room was clean and the staff friendly", "Terrible service, we waited an hour",
           "Great location near the station", "The bed was hard and the walls thin",
           "Breakfast was generous, coffee excellent", "Noisy at night, the air conditioning broke"]
CHINESE = ["房间干净，服务员很热情", "隔音太差，晚上睡不着", "早餐丰富，性价比高", "前台态度冷淡，等了半小时",
           "位置很好，离地铁站近", "设施陈旧，卫生一般"]
TRADITIONAL = ["房間乾淨，服務很熱情", "隔音太差，晚上睡不著", "早餐豐富，價格實惠", "櫃檯態度冷淡，等了很久"]
KOREAN = ["이 영화 정말 재미있어요", "배우들의 연기가 최고였습니다", "시간 낭비였어요 다시는 안 봐요",
          "스토리가 너무 지루했다"]
JAPANESE = ["今日はとても良い天気です", "このレストランの料理は美味しかった", "電車が遅れて会議に間に合わなかった",
            "サービスがとても悪かったです"]
RUSSIAN = ["Отличный фильм, всем советую", "Скучно и долго, не понравилось", "Прекрасная игра актёров",
           "Сюжет слабый и предсказуемый"]
FRENCH = ["Café crème très bon", "Service lent, plat froid", "Un séjour agréable à Nice", "Chambre bruyante, déçu"]
SHORT_CHINESE = ["很好吃", "服务差", "环境不错", "太贵了", "还会再来", "不推荐", "味道一般", "非常满意", "上菜太慢",
                 "性价比高"]
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3+cmd|' /C notepad'!A0", "[ok](https://example.com) and $\\Huge{BIG}$ :red[red]",
           "<script>alert(1)</script><img src=x onerror=alert(2)>", "مرحبا بالعالم، هذا نص عربي", "שלום עולם",
           "emoji 😀👍🏽 and zero\u200bwidth", "\u202eRTL override text"]


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    state: str  # "loaded" or "refused"
    codes: tuple[str, ...] = ()  # loaded: the notice codes, in order; refused: the one error code
    filename: str = "data.csv"
    encoding: str | None = None  # loaded: the codec the table must report
    classes: int | None = None  # loaded: number of classes
    columns: tuple[str | None, str | None] = (None, None)  # given text and label columns
    merge: bool = False


EN_CSV = table_text(labelled(ENGLISH))
ZH_CSV = table_text(labelled(CHINESE))
MANY_ROWS = "text,label\n" + "".join(f"review number {index} was {'fine' if index % 2 else 'poor'},{index % 2}\n"
                                       for index in range(120_000))
SIMILAR = table_text([(f"{text} {index}", label) for index, (text, label) in
                      enumerate(zip(ENGLISH * 4, ["pos", "POS ", " pos", "neg", "1", "1.0"] * 4))])

COMMA_TEXTS = ["Hello, world, this is one line", "Great food, slow service", "Rain again, so we stayed home",
               "New phone, fast chip, short battery", "Lost the match, sadly", "Soup, bread and cheese"]
COMMA_LINES = "".join(f"{text} {index}\n" for index, text in enumerate(COMMA_TEXTS * 4))

CASES = [
    # Empty and nearly empty
    Case("empty", b"", "refused", ("empty_file",)),
    Case("whitespace", b" \r\n\t\n", "refused", ("empty_file",)),
    Case("bom-only", "\ufeff".encode("utf-8"), "refused", ("empty_file",)),
    Case("header-only", b"text,label\n", "refused", ("header_only",)),
    Case("header-only-gbk", "评论,标签\r\n".encode("gbk"), "refused", ("header_only",)),
    Case("one-row", b"text,label\nhello there,pos\n", "refused", ("too_few_rows",)),
    Case("one-class", table_text(labelled(ENGLISH, ("pos",))).encode(), "refused", ("one_class",),
         columns=("text", "label")),
    Case("one-class-left", table_text(labelled(ENGLISH, ("pos",)) + [("A lone negative review", "neg")]).encode(),
         "refused", ("one_class_left",), columns=("text", "label")),
    Case("one-class-guessed", table_text(labelled(ENGLISH, ("pos",))).encode(), "refused", ("one_class",)),
    Case("one-column", ("text\n" + "\n".join(ENGLISH * 3)).encode(), "refused", ("one_column",)),
    Case("no-label-column", table_text([(text, text[::-1]) for text in ENGLISH * 3], ("question", "answer")).encode(),
         "refused", ("no_label_column",)),
    Case("numbers-only", table_text([(str(index), str(index % 2)) for index in range(30)], ("a", "b")).encode(),
         "refused", ("no_text_column",)),
    Case("too-many-classes", table_text([(f"text {index}", f"class {index % 60}") for index in range(600)]).encode(),
         "refused", ("too_many_classes",), columns=("text", "label")),
    # Every encoding a spreadsheet or editor writes
    Case("utf-8", ZH_CSV.encode("utf-8"), "loaded", encoding="utf-8", classes=2),
    Case("utf-8-sig", ZH_CSV.encode("utf-8-sig"), "loaded", encoding="utf-8-sig", classes=2),
    Case("utf-16-le-bom", ZH_CSV.encode("utf-16"), "loaded", encoding="utf-16-le", classes=2),
    Case("utf-16-be-bom", ("\ufeff" + ZH_CSV).encode("utf-16-be"), "loaded", encoding="utf-16-be", classes=2),
    Case("utf-16-le-no-bom", ZH_CSV.encode("utf-16-le"), "loaded", encoding="utf-16-le", classes=2),
    Case("utf-16-be-no-bom", ZH_CSV.encode("utf-16-be"), "loaded", encoding="utf-16-be", classes=2),
    Case("utf-32", ZH_CSV.encode("utf-32"), "loaded", encoding="utf-32-le", classes=2),
    Case("gbk", ZH_CSV.encode("gbk"), "loaded", encoding="gbk", classes=2),
    Case("gbk-short-reviews", table_text(labelled(SHORT_CHINESE, ("好评", "差评"), repeat=6),
                                         ("评论", "标签")).encode("gbk"), "loaded", encoding="gbk", classes=2),
    Case("gb18030", (ZH_CSV + "罕见字𠀀和表情😀,pos\n").encode("gb18030"), "loaded", encoding="gb18030", classes=2),
    Case("big5", table_text(labelled(TRADITIONAL)).encode("big5"), "loaded", ("encoding_guess",), encoding="big5",
         classes=2),
    Case("cp949", table_text(labelled(KOREAN, ("긍정", "부정"))).encode("cp949"), "loaded", ("encoding_guess",),
         encoding="cp949", classes=2),
    Case("euc-kr", table_text(labelled(KOREAN, ("긍정", "부정"))).encode("euc-kr"), "loaded", ("encoding_guess",),
         encoding="cp949", classes=2),
    Case("shift-jis", table_text(labelled(JAPANESE, ("良い", "悪い"))).encode("shift_jis"), "loaded",
         ("encoding_guess",), encoding="cp932", classes=2),
    Case("cp1251", table_text(labelled(RUSSIAN, ("хорошо", "плохо"))).encode("cp1251"), "loaded",
         ("encoding_guess",), encoding="cp1251", classes=2),
    Case("latin-1", table_text(labelled(FRENCH, ("bon", "mauvais"))).encode("latin-1"), "loaded",
         ("encoding_guess",), encoding="cp1252", classes=2),
    Case("broken-utf-8-byte", table_text(labelled(CHINESE, repeat=12)).encode("utf-8").replace("早餐".encode(), b"\xff", 1), "loaded",
         ("encoding_repaired",), encoding="utf-8", classes=2),
    Case("random-high-bytes", bytes(range(0x80, 0x100)) * 40, "refused", ("undecodable",)),
    # Delimiters, quoting, line ends, layouts
    Case("comma", EN_CSV.encode(), "loaded", classes=2),
    Case("tab", table_text(labelled(ENGLISH), delimiter="\t").encode(), "loaded", filename="data.tsv", classes=2),
    Case("semicolon", table_text(labelled(ENGLISH), delimiter=";").encode(), "loaded", classes=2),
    Case("pipe", table_text(labelled(ENGLISH), delimiter="|").encode(), "loaded", classes=2),
    Case("excel-sep-line", ("sep=;\n" + table_text(labelled(ENGLISH), delimiter=";")).encode(), "loaded", classes=2),
    Case("crlf", table_text(labelled(ENGLISH), line_end="\r\n").encode(), "loaded", classes=2),
    Case("cr-only", table_text(labelled(ENGLISH), line_end="\r").encode(), "loaded", classes=2),
    Case("quoted-newlines", table_text([(f"line one, {index}\nline \"two\"\r\nthree", "ab"[index % 2])
                                        for index in range(20)]).encode(), "loaded", classes=2),
    Case("labeled-lines", "\n".join(f"{'ham' if index % 3 else 'spam'}\t{text} {index}"
                                    for index, text in enumerate(ENGLISH * 4)).encode(), "loaded",
         filename="SMSSpamCollection", classes=2),
    Case("duplicate-header", table_text(labelled(ENGLISH), ("text", "label", "label")[:2]).replace(
        "text,label", "text,label,label", 1).replace("\n", ",x\n").replace("text,label,label,x", "text,label,label")
         .encode(), "loaded", ("duplicate_columns",), classes=2),
    Case("unquoted-commas", ("text,label\n" + "".join(f"sentence {index},{'ab'[index % 2]}\n" for index in range(20))
                             + "Great food, slow service, would return,a\n").encode(), "loaded", ("rows_repaired",),
         classes=2),
    Case("unquoted-commas-in-most-texts-no-header",
         "".join(f"{text} {index},{'ab'[index % 2]}\n" for index, text in enumerate(COMMA_TEXTS * 4)).encode(),
         "loaded", ("rows_repaired",), classes=2),
    Case("label-first-unquoted-commas-no-header",
         "".join(f"{'ab'[index % 2]},{text} {index}\n" for index, text in enumerate(COMMA_TEXTS * 4)).encode(),
         "loaded", ("rows_repaired",), classes=2),
    Case("a-few-ragged-rows", ("text,label,id\n" + "".join(f"text {index},{'ab'[index % 2]},{index}\n"
                                                           for index in range(20)) + "broken row\n").encode(),
         "loaded", ("ragged_rows",), classes=2),
    Case("mostly-ragged", b"text,label,id\none\ntwo,2\nthree,3,3,3\nfour\nfive,5,5\n", "refused", ("ragged_rows",)),
    # Binary files, archives and spreadsheets under a .csv name
    Case("png", b"\x89PNG\r\n\x1a\n" + bytes(100), "refused", ("unsupported_format",)),
    Case("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "refused", ("unsupported_format",)),
    Case("zip-renamed", zip_bytes({"data.csv": EN_CSV}), "refused", ("unsupported_format",)),
    Case("xlsx-renamed", zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
         "refused", ("unsupported_format",)),
    Case("xls-renamed", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "refused", ("unsupported_format",)),
    Case("binary-noise", bytes(range(256)) * 8, "refused", ("binary_file",)),
    Case("stray-nuls", table_text(labelled(ENGLISH, repeat=12)).encode().replace(b"\n", b"\x00\n", 2), "loaded", ("nul_bytes_removed",),
         classes=2),
    Case("one-stray-nul-before-a-line-end", table_text(labelled(ENGLISH, repeat=5)).encode().replace(b"\n", b"\x00\n", 1),
         "loaded", ("nul_bytes_removed",), encoding="utf-8", classes=2),  # once mistaken for UTF-16-BE
    Case("utf-16-le-no-bom-emoji-past-the-sample", (ZH_CSV + "😀 表情,pos\n" * 20_000).encode("utf-16-le"), "loaded",
         encoding="utf-16-le", classes=2),
    # Sizes
    Case("huge-cell", table_text([("这是一段很长的文本。" * 500_000, "pos")] + labelled(ENGLISH)).encode(), "loaded",
         ("text_too_long",), classes=2),
    Case("120k-rows-alternating-labels", MANY_ROWS.encode(), "loaded", classes=2),
    # JSON variants
    Case("json-array", json.dumps([{"text": text, "label": label} for text, label in labelled(CHINESE)],
                                  ensure_ascii=False).encode(), "loaded", filename="data.json", classes=2),
    Case("jsonl", "\n".join(json.dumps({"text": text, "label": label}) for text, label in labelled(ENGLISH)).encode(),
         "loaded", filename="data.jsonl", classes=2),
    Case("json-nested", "\n".join(json.dumps({"id": index, "review": {"title": text[:10], "body": text},
                                              "meta": {"tags": ["a", "b"], "source": {"site": "x"}}, "label": label})
                                  for index, (text, label) in enumerate(labelled(ENGLISH))).encode(),
         "loaded", filename="data.jsonl", classes=2),
    Case("jsonl-a-bad-line", ("\n".join(json.dumps({"text": text, "label": label}) for text, label in
                                        labelled(ENGLISH)) + '\n{"text": "cut off').encode(), "loaded",
         ("bad_json_lines",), filename="data.jsonl", classes=2),
    Case("json-object-of-splits", json.dumps({"train": [{"text": text, "label": label} for text, label in
                                                   labelled(ENGLISH)], "test": [{"text": "x", "label": "pos"}]}).encode(),
         "loaded", ("json_list_read",), filename="data.json", classes=2),
    Case("json-pandas-columns", json.dumps({"text": dict(enumerate(text for text, _ in labelled(CHINESE))),
                                            "label": dict(enumerate(label for _, label in labelled(CHINESE)))},
                                           ensure_ascii=False, indent=1).encode(), "loaded", filename="data.json",
         classes=2),
    Case("fasttext", "".join(f"__label__{label} {text}\n" for text, label in labelled(ENGLISH)).encode(), "loaded",
         filename="train.txt", classes=2),
    Case("json-broken", b'[{"text": "a", "label": ', "refused", ("bad_json",), filename="data.json"),
    Case("json-scalars", b"[1, 2, 3]", "refused", ("bad_json",), filename="data.json"),
    # Short, repeated and hostile texts
    Case("short-chinese-reviews", table_text(labelled(SHORT_CHINESE, ("正面", "负面"), repeat=6)).encode(), "loaded",
         encoding="utf-8", classes=2),
    Case("repeated-short-texts", table_text([(SHORT_CHINESE[index % 4], "正负"[index % 2])
                                             for index in range(60)]).encode(), "loaded", classes=2),
    Case("short-texts-unnamed-columns", table_text([(SHORT_CHINESE[index % 4], "正负"[index % 2])
                                                    for index in range(60)], header=None).encode(),
         "loaded", ("ambiguous_columns",), classes=2),
    Case("hostile-texts", table_text(labelled(HOSTILE, ("spam", "ham"), repeat=2)).encode(), "loaded", classes=2),
    Case("similar-labels", SIMILAR.encode(), "loaded", ("similar_labels",), classes=5),
    Case("similar-labels-merged", SIMILAR.encode(), "loaded", ("similar_labels_merged",), classes=3, merge=True),
    # A .txt is lines of text (or label<TAB>text): commas inside the sentences never make columns
    Case("txt-lines-with-commas", COMMA_LINES.encode(), "refused", ("one_column",), filename="texts.txt"),
    Case("txt-labelled-lines-with-commas", "".join(f"{label}\t{text}\n" for text, label in labelled(COMMA_TEXTS))
         .encode(), "loaded", classes=2, filename="labelled.txt"),
]


def run_case(case: Case):
    """("loaded", prepared) or ("refused", error)."""
    try:
        table = read_table(case.data, case.filename)
        return "loaded", prepare(table, *case.columns, merge_similar_labels=case.merge)
    except DataError as error:
        return "refused", error


@pytest.fixture(scope="module")
def messages():
    return {lang: tomllib.loads((TEXT_ROOT / lang / "train.toml").read_text(encoding="utf-8"))
            for lang in ("en", "zh")}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_file_ends_in_one_clear_state(case, messages):
    state, result = run_case(case)
    if case.state == "refused":
        assert state == "refused", f"{case.name} loaded with notices {getattr(result, 'notice_codes', None)}"
        assert (result.code,) == case.codes
        for lang in ("en", "zh"):
            assert result.code in messages[lang]["errors"]
            messages[lang]["errors"][result.code].format(**result.params)
        return
    assert state == "loaded", f"{case.name} refused: {result}"
    assert tuple(result.notice_codes) == case.codes
    assert len(result.data.classes) == case.classes
    if case.encoding is not None:
        assert result.table.encoding == case.encoding
    for code, params in result.notices:
        for lang in ("en", "zh"):
            messages[lang]["warnings"][code].format(**params)


def test_texts_reach_the_table_exactly():
    """Hostile text and other scripts come through byte for byte (escaping is the display's job)."""
    for case, texts in [("hostile-texts", HOSTILE), ("cp949", KOREAN), ("shift-jis", JAPANESE), ("cp1251", RUSSIAN),
                        ("utf-16-le-no-bom", CHINESE), ("latin-1", FRENCH), ("big5", TRADITIONAL)]:
        _, prepared = run_case(next(item for item in CASES if item.name == case))
        assert [text.rsplit(" ", 1)[0] for text in prepared.data.texts[:len(texts)]] == texts, case


def test_the_sampler_sees_both_alternating_labels():
    _, prepared = run_case(next(case for case in CASES if case.name == "120k-rows-alternating-labels"))
    assert (prepared.text_column, prepared.label_column) == ("text", "label")
    assert prepared.data.class_counts() == {"0": 60_000, "1": 60_000}


def test_nested_json_becomes_dotted_columns():
    _, prepared = run_case(next(case for case in CASES if case.name == "json-nested"))
    assert prepared.table.columns == ["id", "review.title", "review.body", "meta.tags", "meta.source.site", "label"]
    assert (prepared.text_column, prepared.label_column) == ("review.body", "label")
    assert prepared.table.rows[0][3] == '["a", "b"]'


def test_similar_labels_are_grouped_and_merged_to_the_most_frequent_spelling():
    _, kept = run_case(next(case for case in CASES if case.name == "similar-labels"))
    assert kept.data.similar_labels == (("1", "1.0"), ("pos", "POS"))  # " pos" is "pos" once stripped
    _, merged = run_case(next(case for case in CASES if case.name == "similar-labels-merged"))
    assert merged.data.class_counts() == {"1": 8, "neg": 4, "pos": 12}
    assert merged.data.similar_labels == ()


def test_a_txt_of_lines_keeps_every_line_whole_commas_and_all():
    table = read_table(COMMA_LINES.encode(), "texts.txt")
    assert table.columns == ["#1"] and table.format == "lines" and table.delimiter == ""
    assert [row[0] for row in table.rows] == COMMA_LINES.splitlines()  # the first line is no header either
    _, prepared = run_case(next(case for case in CASES if case.name == "txt-labelled-lines-with-commas"))
    assert prepared.table.format == "labeled_lines"
    assert [text.rsplit(" ", 1)[0] for text in prepared.data.texts[:6]] == COMMA_TEXTS
