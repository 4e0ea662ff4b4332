"""A web page or XML document uploaded as a table (core/textdata/loading.py _markup_kind)."""

import pytest

from core.textdata.errors import DataError
from core.textdata.loading import read_table


@pytest.mark.parametrize("data, kind", [
    (b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not Found</body></html>\n", "HTML"),
    (b"  <html lang='en'><body><p>Please sign in</p></body></html>", "HTML"),
    (b'<?xml version="1.0"?>\n<rows><row text="hi" label="a"/></rows>', "XML"),
])
def test_a_web_page_or_xml_document_is_named_as_such(data, kind):
    # a download that returned a sign-in or error page used to read as one row ("too few rows")
    with pytest.raises(DataError) as caught:
        read_table(data, "data.csv")
    assert caught.value.code == "unsupported_format" and caught.value.params == {"kind": kind}


def test_a_table_whose_first_text_starts_with_a_tag_is_read():
    lines = ["<html><b>WIN</b> a prize</html> now,spam"] + [f"message {index},{'spam ham'.split()[index % 2]}"
                                                            for index in range(12)]
    assert len(read_table("\n".join(lines).encode("utf-8"), "mail.csv")) == 13
