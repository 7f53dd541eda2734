"""The privacy scan finds identities and finds none in what the project writes."""

from snanalys.cli import main
from snanalys.privacy import personnummer_hits, raw_identifiers, scan


def test_personnummer_and_samordningsnummer_are_found_masked():
    example = b"19811218" + b"-9876"  # Skatteverket's documented example, built so git never holds it
    assert personnummer_hits(b"x " + example + b" y") == ["81121*-****"]
    coordination = b"811278" + b"9873"  # day 18 + 60, valid check digit
    assert personnummer_hits(coordination) == ["81127*-****"]
    assert personnummer_hits(b"9408227271a05124") == []  # a pseudonym (hex) is not a personnummer


def test_nothing_identifying_in_processed_data_reports_or_executed_notebooks(sample_data_dir, built_reports):
    reports_dir, _ = built_reports
    identifiers = raw_identifiers(sample_data_dir / "raw")
    assert len(identifiers) > 10_000  # the raw exports' ids are really being looked for
    hits = scan([sample_data_dir / "processed", reports_dir], identifiers)
    assert [str(h) for h in hits] == []


def test_a_leaked_case_id_is_found(sample_data_dir, tmp_path, capsys):
    identifiers = raw_identifiers(sample_data_dir / "raw")
    leaked = sorted(i for i in identifiers if i[0].isalpha())[0]  # a case id, not a personnummer
    (tmp_path / "page.html").write_text(f"<p>ärende {leaked}</p>", encoding="utf-8")
    hits = scan([tmp_path], identifiers)
    assert [h.kind for h in hits] == ["raw identifier"] and leaked not in str(hits[0])
    code = main(["--data-dir", str(sample_data_dir), "scan", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and "1 hit(s)" in err and leaked not in err
