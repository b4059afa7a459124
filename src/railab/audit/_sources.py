"""Where the data lives: one small interface over DuckDB and Spark.

The audit only ever sends two aggregate queries to the data (a profile and a count), so
a source is little more than "run this SQL over the input and give me the small result
back as Arrow". Both engines get the same SQL text, with identifiers quoted and the few
functions that differ (``isinf``, ``try_cast``) supplied by the source.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any, Literal, Protocol

import duckdb
import pyarrow as pa

from railab.audit._errors import AuditInputError

__all__ = ["Kind", "Source", "open_source"]

Kind = Literal["integer", "float", "boolean", "string", "other"]
ProgressCallback = Callable[[float], None]

_SQL_START = re.compile(r"^\s*(select|with|from|values|table|pivot|unpivot)\b", re.IGNORECASE)
_MEMORY_LIMIT = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)
_PARQUET_SUFFIXES = {".parquet", ".pq", ".parq"}


class Source(Protocol):
    """An input the audit can query with SQL.

    ``dictionaries`` maps a column that the source replaced by integer codes (an Arrow
    dictionary or a categorical) to its values: counting small codes is several times
    faster than counting strings, and only the few counted cells need decoding.
    """

    engine: Literal["duckdb", "spark"]
    description: str
    dictionaries: dict[str, list[object]]

    def columns(self) -> dict[str, Kind]: ...

    def quote(self, name: str) -> str: ...

    def isinf(self, expr: str) -> str: ...

    def try_double(self, expr: str) -> str: ...

    def run(self, sql: str, *, progress: ProgressCallback | None = None) -> pa.Table: ...

    def close(self) -> None: ...


def _duckdb_kind(type_name: str) -> Kind:
    t = type_name.upper()
    if t in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UHUGEINT"} or t.startswith(
        "U"
    ):
        return "integer"
    if t in {"FLOAT", "DOUBLE", "REAL"} or t.startswith("DECIMAL"):
        return "float"
    if t == "BOOLEAN":
        return "boolean"
    if t == "VARCHAR" or t.startswith("ENUM"):
        return "string"
    return "other"


def _spark_kind(type_name: str) -> Kind:
    t = type_name.lower()
    if t in {"tinyint", "smallint", "int", "bigint"}:
        return "integer"
    if t in {"float", "double"} or t.startswith("decimal"):
        return "float"
    if t == "boolean":
        return "boolean"
    if t == "string" or t.startswith(("varchar", "char")):
        return "string"
    return "other"


def _to_arrow(rel: duckdb.DuckDBPyRelation | None) -> pa.Table:
    if rel is None:  # only statements without a result give None
        raise AuditInputError("the query returned no result; pass a SELECT query")
    # duckdb renamed fetch_arrow_table() to to_arrow_table() in 1.4; support both.
    fetch = getattr(rel, "to_arrow_table", None) or rel.fetch_arrow_table
    return fetch()


class DuckDBSource:
    """Input read by an in-process DuckDB connection (out of core when it must)."""

    engine: Literal["duckdb", "spark"] = "duckdb"

    def __init__(
        self,
        relation: duckdb.DuckDBPyRelation,
        connection: duckdb.DuckDBPyConnection | None,
        description: str,
        cleanup: list[Callable[[], None]],
        dictionaries: dict[str, list[object]] | None = None,
    ) -> None:
        self._relation: duckdb.DuckDBPyRelation = relation
        self._connection = connection
        self._cleanup = cleanup
        self.description = description
        self.dictionaries = dictionaries or {}

    def columns(self) -> dict[str, Kind]:
        return {
            name: _duckdb_kind(str(t))
            for name, t in zip(self._relation.columns, self._relation.types, strict=True)
        }

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def isinf(self, expr: str) -> str:
        return f"isinf({expr})"

    def try_double(self, expr: str) -> str:
        return f"TRY_CAST({expr} AS DOUBLE)"

    def run(self, sql: str, *, progress: ProgressCallback | None = None) -> pa.Table:
        view = "railab_audit_input"
        text = sql.format(src=view)
        if progress is None or self._connection is None:
            with _duckdb_errors(self.description):
                return _to_arrow(self._relation.query(view, text))
        con = self._connection
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["table"] = _to_arrow(self._relation.query(view, text))
            except BaseException as exc:  # re-raised in the calling thread
                box["error"] = exc

        # DuckDB reports a running query's progress to other threads; poll it for the bar.
        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(0.1)
            fraction = con.query_progress()
            if fraction >= 0:
                progress(min(fraction / 100.0, 1.0))
        if "error" in box:
            with _duckdb_errors(self.description):
                raise box["error"]
        progress(1.0)
        return box["table"]

    def close(self) -> None:
        for step in reversed(self._cleanup):
            step()
        self._cleanup.clear()


class SparkSource:
    """A PySpark DataFrame: the same SQL runs on the cluster; only counts come back."""

    engine: Literal["duckdb", "spark"] = "spark"

    def __init__(self, frame: Any) -> None:
        self._frame = frame
        self._view = f"railab_audit_{uuid.uuid4().hex}"
        frame.createOrReplaceTempView(self._view)
        self.description = "PySpark DataFrame"
        self.dictionaries: dict[str, list[object]] = {}

    def columns(self) -> dict[str, Kind]:
        return {name: _spark_kind(t) for name, t in self._frame.dtypes}

    def quote(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def isinf(self, expr: str) -> str:
        return f"(abs({expr}) = CAST('Infinity' AS DOUBLE))"

    def try_double(self, expr: str) -> str:
        return f"try_cast({expr} AS DOUBLE)"

    def run(self, sql: str, *, progress: ProgressCallback | None = None) -> pa.Table:
        frame = self._frame.sparkSession.sql(sql.format(src=self._view))
        rows = frame.collect()
        if progress is not None:
            progress(1.0)
        if not rows:
            return pa.table({name: pa.array([], pa.null()) for name in frame.columns})
        return pa.Table.from_pylist([row.asDict() for row in rows])

    def close(self) -> None:
        self._frame.sparkSession.catalog.dropTempView(self._view)


def _is_spark_frame(data: object) -> bool:
    return type(data).__module__.startswith("pyspark.") and hasattr(data, "sparkSession")


def _module_root(data: object) -> str:
    return type(data).__module__.split(".", 1)[0]


@contextlib.contextmanager
def _duckdb_errors(what: str) -> Iterator[None]:
    try:
        yield
    except duckdb.Error as exc:
        text = str(exc)
        if "not utf-8" in text.lower() or "invalid unicode" in text.lower():
            raise AuditInputError(
                f"{what} is not UTF-8 text; pass its encoding, e.g. encoding='latin-1' "
                "(--encoding latin-1), or re-encode the file as UTF-8"
            ) from None
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        raise AuditInputError(f"cannot read {what}: {first}") from None


_shared: duckdb.DuckDBPyConnection | None = None
_shared_lock = threading.Lock()


def _spill_directory(con: duckdb.DuckDBPyConnection) -> str:
    spill = tempfile.mkdtemp(prefix="railab-audit-")
    # Spill to our own temporary directory (not ./.tmp) when the data is larger than memory.
    con.execute(f"SET temp_directory='{spill}'")
    return spill


def _new_connection(memory_limit: str | None) -> tuple[duckdb.DuckDBPyConnection, list[Any]]:
    global _shared
    if memory_limit is None:
        # Opening a DuckDB database costs ~10 ms; audits share one per process, each on
        # its own cursor (connection-local state, thread-safe).
        with _shared_lock:
            if _shared is None:
                _shared = duckdb.connect(":memory:")
                spill = _spill_directory(_shared)
                atexit.register(shutil.rmtree, spill, ignore_errors=True)
            con = _shared.cursor()
        cleanup: list[Any] = [con.close]
    else:
        con = duckdb.connect(":memory:")
        spill = _spill_directory(con)
        cleanup = [lambda: shutil.rmtree(spill, ignore_errors=True), con.close]
    con.execute("SET enable_progress_bar=true")
    con.execute("SET enable_progress_bar_print=false")
    if memory_limit is not None:
        if not _MEMORY_LIMIT.match(memory_limit.strip()):
            con.close()
            raise AuditInputError(
                f"memory limit {memory_limit!r} is not a size; write it like '2GB' or '512MB'"
            )
        con.execute(f"SET memory_limit='{memory_limit.strip()}'")
    return con, cleanup


def _codec(encoding: str) -> codecs.CodecInfo:
    try:
        return codecs.lookup(encoding)
    except LookupError:
        raise AuditInputError(
            f"unknown encoding {encoding!r}; use a Python codec name such as 'latin-1' or 'cp1252'"
        ) from None


def _transcode(path: Path, encoding: str, directory: str) -> Path:
    decoder = _codec(encoding).incrementaldecoder(errors="strict")
    target = Path(directory) / (path.stem + ".utf8.csv")
    # Stream in blocks: the file may not fit in memory.
    try:
        with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
            while block := src.read(1 << 22):
                dst.write(decoder.decode(block))
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise AuditInputError(
            f"file {path} is not valid {encoding} (byte {exc.object[exc.start]:#04x}); "
            "check its encoding"
        ) from None
    return target


def _open_path(
    text: str, con: duckdb.DuckDBPyConnection, encoding: str | None, cleanup: list[Any]
) -> tuple[duckdb.DuckDBPyRelation, str]:
    path = Path(text).expanduser()
    is_glob = any(c in text for c in "*?[")
    if is_glob:
        if not list(Path(path.anchor or ".").glob(str(path.relative_to(path.anchor or ".")))):
            raise AuditInputError(f"no file matches {text}; check the pattern")
        suffix = Path(text.replace("*", "x")).suffix.lower()
        if suffix in _PARQUET_SUFFIXES:
            with _duckdb_errors(text):
                return con.read_parquet(text, hive_partitioning=True), f"Parquet {text}"
        with _duckdb_errors(text):
            return con.read_csv(text), f"CSV {text}"
    if not path.exists():
        raise AuditInputError(f"file {text} does not exist; check the path")
    if path.is_dir():
        pattern = str(path / "**" / "*.parquet")
        if not any(path.rglob("*.parquet")):
            raise AuditInputError(f"directory {text} holds no .parquet files; pass a file instead")
        with _duckdb_errors(text):
            return con.read_parquet(pattern, hive_partitioning=True), f"Parquet directory {text}"
    if path.stat().st_size == 0:
        raise AuditInputError(f"file {text} is empty; export the data again")
    with path.open("rb") as fh:
        magic = fh.read(4)
    if path.suffix.lower() in _PARQUET_SUFFIXES or magic == b"PAR1":
        with _duckdb_errors(text):
            return con.read_parquet(str(path)), f"Parquet {text}"
    if magic.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and encoding is None:
        encoding = "utf-16"
    csv_path = path
    if encoding is not None and _codec(encoding).name != "utf-8":
        scratch = tempfile.mkdtemp(prefix="railab-audit-csv-")
        cleanup.append(lambda: shutil.rmtree(scratch, ignore_errors=True))
        csv_path = _transcode(path, encoding, scratch)
    with _duckdb_errors(text):
        rel = con.read_csv(str(csv_path))
        # The sniffer reads only a sample; an encoding error later in the file surfaces here.
        if rel.columns == ["column0"] and not rel.limit(1).fetchall():
            raise AuditInputError(f"file {text} has no data; export the data again")
    return rel, f"CSV {text}"


def _codes_for_dictionaries(
    table: pa.Table, columns: Collection[str]
) -> tuple[pa.Table, dict[str, list[object]]]:
    """Replace dictionary-typed ``columns`` by their integer codes (zero copy)."""
    wanted = [
        name
        for name in columns
        if name in table.column_names and pa.types.is_dictionary(table.schema.field(name).type)
    ]
    if not wanted:
        return table, {}
    table = table.unify_dictionaries()
    dictionaries: dict[str, list[object]] = {}
    for name in wanted:
        column = table.column(name)
        index_type = column.type.index_type
        dictionaries[name] = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
        codes = pa.chunked_array([chunk.indices for chunk in column.chunks], type=index_type)
        table = table.set_column(table.column_names.index(name), name, codes)
    return table, dictionaries


def open_source(
    data: object,
    *,
    encoding: str | None = None,
    memory_limit: str | None = None,
    code_columns: Collection[str] = (),
) -> Source:
    """Wrap any supported input as a :class:`Source`.

    Parameters
    ----------
    data
        A path (CSV, Parquet file, glob or directory), SQL text, a DuckDB relation, a
        pyarrow Table / RecordBatchReader / Dataset, a pandas or polars DataFrame, or a
        PySpark DataFrame.
    encoding
        Encoding of a CSV file when it is not UTF-8.
    memory_limit
        DuckDB memory limit such as ``"2GB"``; beyond it DuckDB spills to disk.
    code_columns
        Columns that may be counted by their dictionary codes (groups, label, prediction).

    Returns
    -------
    Source
        Call ``close()`` when done.

    Examples
    --------
    >>> import pyarrow as pa
    >>> src = open_source(pa.table({"y": [0, 1]}))
    >>> src.columns()
    {'y': 'integer'}
    >>> src.close()
    """
    if _is_spark_frame(data):
        return SparkSource(data)
    if isinstance(data, duckdb.DuckDBPyRelation):
        return DuckDBSource(data, None, "DuckDB relation", [])
    con, cleanup = _new_connection(memory_limit)
    dictionaries: dict[str, list[object]] = {}
    try:
        rel, description = _relation_for(data, con, encoding, cleanup, code_columns, dictionaries)
    except BaseException:
        for step in reversed(cleanup):
            step()
        raise
    return DuckDBSource(rel, con, description, cleanup, dictionaries)


def _relation_for(
    data: object,
    con: duckdb.DuckDBPyConnection,
    encoding: str | None,
    cleanup: list[Any],
    code_columns: Collection[str],
    dictionaries: dict[str, list[object]],
) -> tuple[duckdb.DuckDBPyRelation, str]:
    if isinstance(data, str) and _SQL_START.match(data):
        with _duckdb_errors("the SQL query"):
            return con.sql(data), "SQL query"
    if isinstance(data, (str, os.PathLike)):
        return _open_path(os.fspath(data), con, encoding, cleanup)
    root = _module_root(data)
    with _duckdb_errors(f"the {type(data).__name__}"):
        frame: Any = data
        if root == "pandas":
            categorical = [
                name for name in code_columns if str(frame.dtypes.get(name, "")) == "category"
            ]
            if not categorical:
                return con.from_df(frame), "pandas DataFrame"
            arrow, codes = _codes_for_dictionaries(
                pa.Table.from_pandas(frame, preserve_index=False), code_columns
            )
            dictionaries.update(codes)
            return con.from_arrow(arrow), "pandas DataFrame"
        if root == "polars":
            frame = frame.collect() if hasattr(frame, "collect") else frame
            arrow, codes = _codes_for_dictionaries(frame.to_arrow(), code_columns)
            dictionaries.update(codes)
            return con.from_arrow(arrow), "polars DataFrame"
        if root == "pyarrow":
            if isinstance(frame, pa.RecordBatch):
                frame = pa.Table.from_batches([frame])
            if isinstance(frame, pa.Table):
                frame, codes = _codes_for_dictionaries(frame, code_columns)
                dictionaries.update(codes)
            return con.from_arrow(frame), "Arrow table"
    raise AuditInputError(
        f"cannot audit a {type(data).__name__}; pass a file path, SQL text, an Arrow table, "
        "a pandas, polars or PySpark DataFrame, or a DuckDB relation"
    )
