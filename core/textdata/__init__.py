"""Text data for the "Train on your text" page: decoding uploads, reading tables, choosing columns,
validating labelled texts, profiling them and splitting them for training.

Modules (import the one you need; this package imports nothing on its own):

- ``errors``   – :class:`DataError` with a translatable ``code`` and ``params``; warning records.
- ``encoding`` – bytes -> text (UTF-8/16/32, GBK, GB18030, Big5, cp949, cp932, cp1251, cp1252, then
  charset-normalizer) and binary-file detection; ``scripts`` and ``hanzi`` hold its language statistics.
- ``delimited`` – delimiter, quoting and header detection for CSV/TSV/label<TAB>text files.
- ``repair``   – rows with the wrong number of fields: rejoin unquoted commas, skip a few, refuse many.
- ``loading``  – :func:`read_table` / :func:`read_path` -> :class:`Table`.
- ``columns``  – :func:`guess_columns`: which column holds the text and which the label.
- ``dataset``  – :class:`LabeledTexts` and :func:`profile`.
- ``labels``   – look-alike labels (``pos``/``POS``, ``1``/``1.0``): groups and merging.
- ``prepare``  – :func:`prepare`: table -> columns -> labelled texts with every notice, in one call.
- ``export``   – :func:`safe_csv`: CSV downloads of user text with formulas defused.
- ``split``    – :func:`stratified_split`.
- ``demo``     – :func:`demo_path`: the page's default dataset per language.
- ``tokenize`` – tokens and vocabulary (the classifier's side).
"""
