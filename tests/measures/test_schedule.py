"""The schedule runs each statement after the ones making what it names, and fails what follows a failure."""

from __future__ import annotations

import duckdb
import pytest

from snanalys.measures.schedule import Schedule, target


def test_target_is_what_a_statement_makes():
    assert target("CREATE TABLE f_spells AS SELECT 1") == "f_spells"
    assert target("\n  INSERT INTO f_households SELECT 1") == "f_households"
    assert target("CREATE VIEW v_persons AS SELECT 1") == "v_persons"
    assert target("DROP TABLE payments") == "payments"
    assert target("SELECT * FROM f_spells") is None


def test_a_query_waits_for_the_tables_it_names_and_what_they_wait_for():
    con = duckdb.connect()
    schedule = Schedule(con)
    # the slow chain first: the view's query must see the insert made after the table
    schedule.add("CREATE TABLE a AS SELECT range AS x FROM range(200000)")
    schedule.add("INSERT INTO a SELECT -1")
    schedule.add("CREATE VIEW v AS SELECT count(*) AS n, min(x) AS low FROM a")
    schedule.add("CREATE TABLE b AS SELECT 7 AS y")
    # a literal naming a table is not a reference to it
    schedule.add("CREATE TABLE c AS SELECT 'a' AS name")
    schedule.seal()
    view = schedule.add("SELECT n, low FROM v")
    other = schedule.add("SELECT y FROM b")
    catalog = schedule.add("SELECT count(*) AS n FROM information_schema.tables")
    assert view.result().iloc[0].tolist() == [200001, -1]
    assert other.result()["y"].tolist() == [7]
    assert catalog.result()["n"].iloc[0] == 4  # a query naming no table made here waits for all of them
    schedule.close()
    assert schedule.add("SELECT 1") is None  # stopped: the caller runs it on the connection
    con.close()


def test_a_failed_statement_fails_what_waits_and_what_comes_after():
    con = duckdb.connect()
    schedule = Schedule(con)
    schedule.add("CREATE TABLE a AS SELECT * FROM no_such_table")
    schedule.seal()
    waiting = schedule.add("SELECT * FROM a")
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        waiting.result()
    later = schedule.add("SELECT 1")
    with pytest.raises(duckdb.CatalogException):
        later.result()
    with pytest.raises(duckdb.CatalogException):
        schedule.wait()
    schedule.close()
    con.close()


def test_a_table_is_dropped_only_after_everything_that_reads_it():
    con = duckdb.connect()
    schedule = Schedule(con)
    schedule.add("CREATE TABLE step AS SELECT 1 AS x")
    schedule.add(
        "CREATE TABLE slow AS SELECT count(*) AS n FROM range(3000000) a JOIN range(3000000) b ON a.range = b.range"
    )
    # reads step only once slow is made: a drop after step's maker alone would come first
    schedule.add("CREATE TABLE out AS SELECT x, n FROM step, slow")
    schedule.add("DROP TABLE step")
    schedule.seal()
    assert schedule.add("SELECT x, n FROM out").result().iloc[0].tolist() == [1, 3000000]
    schedule.wait()
    schedule.close()
    assert "step" not in set(con.execute("SELECT table_name FROM information_schema.tables").df()["table_name"])
    con.close()
