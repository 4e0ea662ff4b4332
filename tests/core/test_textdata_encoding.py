"""Decoding uploads: every encoding a spreadsheet or editor produces, and honest errors for everything else."""

import io
import zipfile

import pytest

from core.textdata.encoding import decode, sniff_binary_kind
from core.textdata.errors import DataError

# Chinese and English, punctuation of both, a quoted field with a comma: what real uploads hold.
SAMPLE = (
    "text,label\n"
    "今天天气晴朗，适合出门散步。,天气\n"
    "\"The match ended 2-1, after extra time\",体育\n"
    "这家餐厅的红烧肉肥而不腻，价格也实惠！,美食\n"
    "新手机的电池续航比旧款长了一倍。,科技\n"
)


@pytest.mark.parametrize("codec, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16-le"),  # Python writes a little-endian BOM
    ("utf-32", "utf-32-le"),
    ("gbk", "gbk"),
    ("gb2312", "gbk"),
])
def test_round_trip(codec, expected):
    decoded = decode(SAMPLE.encode(codec))
    assert decoded.text == SAMPLE
    assert decoded.encoding == expected
    assert decoded.replaced == 0 and not decoded.guessed


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(codec):
    with_bom = ("\ufeff" + SAMPLE).encode(codec)
    assert decode(with_bom) == (SAMPLE, codec, 0, False)
    assert decode(SAMPLE.encode(codec)) == (SAMPLE, codec, 0, False)  # found by where the NULs sit


def test_gb18030_only_characters():
    # An extension-B character and an emoji exist in GB18030 (4-byte codes) but not in GBK.
    text = SAMPLE + "罕见字𠀀和表情😀也要读得出来,其他\n"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    decoded = decode(text.encode("gb18030"))
    assert decoded.text == text and decoded.encoding == "gb18030"


def test_big5_traditional_chinese_is_a_reported_guess():
    text = "text,label\n今天天氣晴朗，適合出門散步。,天氣\n這家餐廳的牛肉麵非常好吃,美食\n"
    decoded = decode(text.encode("big5"))
    assert decoded.text == text and decoded.encoding == "big5" and decoded.guessed


def test_western_single_byte_text():
    text = "text,label\nCafé au lait, crème brûlée and a naïve résumé,food\nSo-so – not great,other\n"
    decoded = decode(text.encode("cp1252"))
    assert decoded.text == text and decoded.encoding == "cp1252" and decoded.guessed


def test_mostly_utf8_with_a_broken_byte_is_repaired_and_counted():
    data = ("中文测试，一切正常。" * 50).encode("utf-8") + b"\xff" + "结尾".encode("utf-8")
    decoded = decode(data)
    assert decoded.encoding == "utf-8" and decoded.replaced == 1
    assert decoded.text.endswith("\ufffd结尾")


def test_random_high_bytes_are_undecodable():
    with pytest.raises(DataError) as caught:
        decode(bytes(range(0x80, 0x100)) * 40)
    assert caught.value.code == "undecodable"


# Short texts, as real uploads of reviews hold: the statistics must work on a few dozen characters.
CHINESE_SHORT = "内容,标签\n" + "".join(f"{text},{label}\n" for text, label in [
    ("很好吃", "好"), ("服务差", "差"), ("环境不错", "好"), ("太贵了", "差"), ("还会再来", "好"), ("不推荐", "差")] * 10)
KOREAN = ("text,label\n이 영화 정말 재미있어요,긍정\n배우들의 연기가 최고였습니다,긍정\n"
          "시간 낭비였어요 다시는 안 봐요,부정\n스토리가 너무 지루했다,부정\n음악이 아름답고 감동적이에요,긍정\n")
KOREAN_SHORT = "text,label\n좋아요,긍정\n별로,부정\n최고,긍정\n싫어,부정\n"
JAPANESE = ("text,label\n今日はとても良い天気です。,天気\nこのレストランの料理は美味しかった,食事\n"
            "電車が遅れて会議に間に合わなかった,仕事\n")
RUSSIAN = "text,label\nОтличный фильм, всем советую,хорошо\nСкучно и долго, не понравилось,плохо\n"


@pytest.mark.parametrize("text", [CHINESE_SHORT, SAMPLE, KOREAN, JAPANESE], ids=["zh-short", "zh", "ko", "ja"])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_for_scripts_with_little_ascii(text, codec):
    assert decode(text.encode(codec)) == (text, codec, 0, False)


@pytest.mark.parametrize("text, codec, expected", [
    (KOREAN, "cp949", "cp949"), (KOREAN, "euc-kr", "cp949"), (KOREAN_SHORT, "cp949", "cp949"),
    (JAPANESE, "shift_jis", "cp932"), (JAPANESE, "cp932", "cp932"), (RUSSIAN, "cp1251", "cp1251"),
    ("text,label\nΠολύ καλή ταινία, τη συνιστώ,καλό\nΒαρετή και μεγάλη,κακό\n" * 5, "cp1253", "cp1253"),
], ids=["cp949", "euc-kr", "cp949-short", "shift-jis", "cp932", "cp1251", "cp1253-by-charset-normalizer"])
def test_other_scripts_decode_as_a_reported_guess(text, codec, expected):
    decoded = decode(text.encode(codec))
    assert decoded.text == text and decoded.encoding == expected and decoded.guessed


def test_korean_is_not_read_as_gbk_though_its_bytes_are_valid_gbk():
    data = KOREAN.encode("cp949")
    data.decode("gbk")  # no error: only the statistics tell them apart
    assert decode(data).encoding == "cp949"


def test_short_chinese_is_certain_gbk():
    assert decode(CHINESE_SHORT.encode("gbk")) == (CHINESE_SHORT, "gbk", 0, False)


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", SAMPLE)
    return buffer.getvalue()


@pytest.mark.parametrize("data, kind", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(50), "PNG"),
    (_zip_bytes(), "ZIP"),
    (_xlsx_bytes(), "Excel (.xlsx)"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
])
def test_known_binary_formats_are_named(data, kind):
    assert sniff_binary_kind(data) == kind
    with pytest.raises(DataError) as caught:
        decode(data)
    assert caught.value.code == "unsupported_format"
    assert caught.value.params == {"kind": kind}


def test_unknown_binary_data():
    with pytest.raises(DataError) as caught:
        decode(b"text,label\nabc\x00\x01\x02\x03def,1\n\x00\x00\x07")
    assert caught.value.code == "binary_file"


def test_invalid_bytes_after_a_bom_are_undecodable():
    with pytest.raises(DataError) as caught:
        decode(b"\xef\xbb\xbftext\xff\xfe,label")
    assert caught.value.code == "undecodable"
