"""Results memoised per process and data-folder state: never stale after a re-ingest, bounded."""

import os

from snanalys.memo import Memo, folder_state


def test_a_rewritten_file_changes_the_folder_state(tmp_path):
    (tmp_path / "payments.parquet").write_bytes(b"one")
    before = folder_state(tmp_path)
    assert folder_state(tmp_path) == before
    (tmp_path / "payments.parquet").write_bytes(b"other")
    os.utime(tmp_path / "payments.parquet", ns=(1, 1))
    assert folder_state(tmp_path) != before


def test_a_memo_computes_once_per_key_and_keeps_the_most_recent(tmp_path):
    memo, calls = Memo(2), []

    def compute(key):
        calls.append(key)
        return key * 10

    assert [memo.get(k, lambda k=k: compute(k)) for k in (1, 1, 2, 1, 3, 2, 1)] == [10, 10, 20, 10, 30, 20, 10]
    assert calls == [1, 2, 3, 2, 1]  # 3 pushed out 2 (1 was used later), then 2 pushed out 1


def test_peek_reads_a_kept_result_without_computing():
    memo = Memo(2)
    assert memo.peek("a") is None
    memo.get("a", lambda: 1)
    assert memo.peek("a") == 1
