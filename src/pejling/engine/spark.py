"""`pejling compute --engine spark`: the compiled catalog on Apache Spark.

Why: a ministry that computes every indicator for the whole population of every municipality may
outgrow one machine. The compiler already builds the computation as data (`engine.plan`: named
steps of sqlglot trees with DuckDB semantics), so Spark is not a second engine: the steps DuckDB
runs are transpiled to Spark SQL and materialised as temporary views (cached when read again).
Only the small result of each indicator (`agg`: groups × municipalities × periods) comes
back to the driver; it is written into the workspace store by `engine.run.write_observations`,
the same code the DuckDB engine uses, so values, units, provenance and gap indicators are formed
in one place. tests/engine/test_spark_parity.py checks that every observation is the same.

The register is read from Parquet (one `TABLE.parquet` per register table, `export_register`),
so it can live wherever the cluster reads from (a local folder, HDFS, S3); docs/scale.md says
how a ministry runs it.

sqlglot transpiles most of the tree; where DuckDB and Spark differ in meaning rather than in
spelling, `spark_sql` rewrites the tree first (`_TRANSFORMS`, one function each):

- date − date is a number of days in DuckDB and an interval in Spark → `DATEDIFF(end, start)`
  (which subtractions are of two dates is found from the register's column types and the
  columns of the query's own sources: `_DateTypes`);
- an aggregate over outer and local columns in a correlated subquery (Spark refuses it) → the
  aggregate's arguments are computed in a derived table first;
- `row_number() OVER ()` (any order) → ordered by every column of its source (Spark needs one);
- a list index is 1-based in DuckDB and 0-based in Spark → `TRY_ELEMENT_AT(list, i)` (1-based,
  NULL when out of range, as in DuckDB);
- `list_position` (NULL when absent) → `NULLIF(ARRAY_POSITION(list, x), 0)`;
- `to_months(n)` / `to_days(n)` / `to_years(n)` → `INTERVAL n MONTH` etc.;
- a decimal literal (`7.0`) is DECIMAL in both, but DuckDB divides decimals as DOUBLE while Spark
  keeps DECIMAL with six decimals → the literal becomes `CAST(7.0 AS DOUBLE)`.

`arg_max` → `MAX_BY`, `//` → `DIV`, quoting, VALUES tables and GROUPING SETS are sqlglot's own
transpilation. A table of constants (group membership) is handed to Spark as rows rather than as
SQL. pyspark is imported only here, and only when the Spark engine is used; docs/scale.md has
the how and the measured costs.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.optimizer.scope import Scope, traverse_scope

from pejling.engine.constants import ConstantTable, constant_table
from pejling.engine.run import (
    ComputeResult,
    IndicatorTiming,
    ProgressCallback,
    selected,
    write_observations,
)
from pejling.errors import UserError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from pejling.engine.plan import Step
    from pejling.spec.catalog import Catalog
    from pejling.spec.indicator import IndicatorSpec
    from pejling.store.database import Store

#: local mode with two worker threads: what tests and a laptop use
DEFAULT_MASTER = "local[2]"
#: Spark 4 runs on Java 17 or newer
JAVA_MIN = 17

#: the register's column types, per table: {"persons": {"birth_date": "date", …}, …}
Schema = dict[str, dict[str, str]]


# --- availability -----------------------------------------------------------------------------


def _message(lang: str, da: str, en: str) -> str:
    return da if lang == "da" else en


def java_version(java: str | None = None) -> int | None:
    """The major version of the Java that Spark would start (JAVA_HOME, else `java` on PATH)."""
    if java is None:
        home = os.environ.get("JAVA_HOME")
        java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        return None
    try:
        proc = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if not match:
        return None
    major = int(match.group(1))
    # Java 8 and older call themselves 1.8
    return int(match.group(2) or 0) if major == 1 else major


def check_available(lang: str = "en") -> None:
    """Raise a `UserError` that says how to install what is missing: pyspark or Java ≥ 17.

    Why before starting: without Java, pyspark fails with a long Java-gateway trace that does
    not say what to install.
    """
    if importlib.util.find_spec("pyspark") is None:
        raise UserError(
            _message(
                lang,
                "Spark-motoren kræver pyspark, som ikke er installeret: kør 'uv sync --extra "
                "spark' (eller pip install 'pejling[spark]')",
                "the Spark engine needs pyspark, which is not installed: run 'uv sync --extra "
                "spark' (or pip install 'pejling[spark]')",
            )
        )
    version = java_version()
    if version is None or version < JAVA_MIN:
        found = _message(lang, "ingen Java fundet", "no Java found")
        if version is not None:
            found = f"Java {version}"
        raise UserError(
            _message(
                lang,
                f"Spark-motoren kræver Java {JAVA_MIN} eller nyere ({found}): på Debian/Ubuntu "
                "'sudo apt-get install openjdk-17-jre-headless' (eller kør scripts/java-deps.sh),"
                " eller sæt JAVA_HOME",
                f"the Spark engine needs Java {JAVA_MIN} or newer ({found}): on Debian/Ubuntu "
                "'sudo apt-get install openjdk-17-jre-headless' (or run scripts/java-deps.sh), "
                "or set JAVA_HOME",
            )
        )


# --- the session --------------------------------------------------------------------------------

#: log4j 2 settings for the driver: errors only, so a computation prints its summary and not
#: Spark's start-up chatter (hostname, native Hadoop libraries, stage progress); the `repl`
#: logger is what a pyspark driver's default level is taken from
_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = stderr
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
logger.submit.name = org.apache.spark.deploy.SparkSubmit
logger.submit.level = error
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
"""


@contextmanager
def _quiet() -> Iterator[None]:
    """pyspark warns about pandas ≥ 3 when it imports (it does not use pandas here)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark\..*")
        warnings.filterwarnings("ignore", message=r".*PySpark.*pandas.*")
        yield


def submitted() -> bool:
    """This process was started by `spark-submit`, which chose the master and the settings."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def local_settings(master: str | None) -> dict[str, str]:
    """Spark settings for `master`: no UI, UTC; in local mode small shuffles and a quick JVM.

    Why: Spark's defaults suit a cluster (200 shuffle partitions, a web UI per application); on
    one machine 200 tiny tasks per join cost more than the join. A local run is short, and the
    JVM's optimising compiler (C2) spent more CPU than the computation itself (3,000 persons:
    `-XX:TieredStopAtLevel=1` halved the time). UTC makes the date arithmetic independent of
    the machine's zone.
    """
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.adaptive.enabled": "true",
    }
    match = re.fullmatch(r"local\[(\d+|\*)(?:,\d+)?\]|local", master or "")
    if match:
        cores = os.cpu_count() or 2
        threads = cores if not match.group(1) or match.group(1) == "*" else int(match.group(1))
        settings |= {
            "spark.sql.shuffle.partitions": str(max(2, 2 * threads)),
            "spark.default.parallelism": str(max(2, 2 * threads)),
            "spark.driver.memory": "2g",
            "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=512m",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
        }
    return settings


def spark_session(
    master: str | None = DEFAULT_MASTER,
    conf: Mapping[str, str] | None = None,
    *,
    app_name: str = "pejling compute",
    lang: str = "en",
) -> SparkSession:
    """A Spark session on `master` (`local[N]`, `spark://host:7077`, `yarn`, `k8s://…`; None:
    the one `spark-submit` was given).

    `conf` overrides the defaults of `local_settings` (e.g. spark.executor.memory). The driver
    logs errors only. A session already running in this process is reused (Spark allows one).
    """
    check_available(lang)
    with _quiet():
        from pyspark.sql import SparkSession

        settings = local_settings(master) | dict(conf or {})
        builder = SparkSession.builder.appName(app_name)
        if master is not None:
            builder = builder.master(master)
        with tempfile.TemporaryDirectory(prefix="pejling-spark-") as folder:
            # the driver reads its log settings once, when it starts
            log_config = Path(folder) / "log4j2.properties"
            log_config.write_text(_LOG4J2, encoding="utf-8")
            settings["spark.driver.extraJavaOptions"] = " ".join(
                x
                for x in (
                    f"-Dlog4j2.configurationFile=file:{log_config}",
                    settings.get("spark.driver.extraJavaOptions", ""),
                )
                if x
            )
            for key, value in settings.items():
                builder = builder.config(key, value)
            session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        from pyspark.logger import PySparkLogger

        # a failing query is raised as an exception; pyspark also logs it, as a page of JSON
        for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
            PySparkLogger.getLogger(name).disabled = True
        return session


@contextmanager
def spark_running(
    master: str | None = DEFAULT_MASTER,
    conf: Mapping[str, str] | None = None,
    *,
    lang: str = "en",
) -> Iterator[SparkSession]:
    """A session for one computation, stopped afterwards unless it was running already (a
    test's session, or a notebook's)."""
    check_available(lang)
    with _quiet():
        from pyspark.sql import SparkSession

        running = SparkSession.getActiveSession()
    session = spark_session(master, conf, lang=lang)
    try:
        yield session
    finally:
        if running is None:
            with _quiet():
                session.stop()


# --- the register as Parquet ------------------------------------------------------------------


def register_tables(store: Store) -> list[str]:
    """The register tables of the store that hold rows (the tables the compiler reads)."""
    from pejling.register.tables import TABLES

    present = {
        r[0]
        for r in store.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    return [t.name for t in TABLES if t.name in present]


def export_register(store: Store, folder: Path) -> dict[str, int]:
    """Write every register table of the store to `folder/TABLE.parquet`; rows per table.

    Why: Spark reads the register where the cluster can reach it. The files are the store's
    tables as they are — pseudonymised person ids, every column (new columns come along) — so a
    ministry exports once and copies the folder to HDFS or S3. Readable by the owner only, like
    the store.
    """
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    rows: dict[str, int] = {}
    for name in register_tables(store):
        target = folder / f"{name}.parquet"
        quoted = str(target).replace("'", "''")
        store.con.execute(
            f"COPY (SELECT * FROM {name}) TO '{quoted}' (FORMAT parquet, COMPRESSION zstd)"
        )
        target.chmod(0o600)
        row = store.con.execute(f"SELECT count(*) FROM {name}").fetchone()
        rows[name] = int(row[0]) if row else 0
    return rows


def _location(base: str, name: str) -> str:
    """`base/name.parquet` for a local folder or a URI (hdfs://, s3a://, file:)."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", base):
        return f"{base.rstrip('/')}/{name}.parquet"
    return str(Path(base).resolve() / f"{name}.parquet")


def _empty_table(name: str) -> exp.Expr:
    """A query for an empty register table with its declared columns (engine.register.tables)."""
    from pejling.register.tables import PERSON_KEY, TABLES_BY_NAME

    table = TABLES_BY_NAME[name]
    columns = [
        exp.alias_(exp.cast(exp.null(), exp.DataType.build(c.sql_type)), c.name, quoted=True)
        for c in (*table.columns, *table.derived)
    ]
    columns.append(exp.alias_(exp.cast(exp.null(), exp.DataType.build("INTEGER")), PERSON_KEY))
    return sqlglot.select(*columns).where(exp.false())


def load_register(spark: SparkSession, location: str, *, cache: bool = True) -> Schema:
    """Every register table under `location` (TABLE.parquet) as a temporary view; their column
    types.

    Tables are read generically: whatever columns the files have become the view's columns (a
    column added to the store comes along). A table without a file is empty, as in a store that
    never received it. `cache`: keep the tables in memory (every indicator reads them again).
    """
    from pejling.register.tables import PERSON_KEY, TABLES

    schema: Schema = {}
    with _quiet():
        for table in TABLES:
            path = _location(location, table.name)
            try:
                if "://" not in path and not Path(path).exists():
                    raise FileNotFoundError(path)
                frame = spark.read.parquet(path)
            except Exception as exc:  # a local file, or a cluster's (Spark's PATH_NOT_FOUND)
                if not isinstance(exc, FileNotFoundError) and "PATH_NOT_FOUND" not in str(exc):
                    raise
                if table.name == "persons":
                    raise UserError(
                        f"{location}: no register here (expected persons.parquet and the other "
                        "tables, as `pejling register export-parquet` writes them)"
                    ) from None
                frame = spark.sql(spark_sql(_empty_table(table.name), schema))
            if table.name == "persons" and PERSON_KEY not in frame.columns:
                raise UserError(
                    f"{location}: the register has no person key (`{PERSON_KEY}`): it was "
                    "exported by an older pejling; export it again with `pejling register "
                    "export-parquet`"
                )
            if cache:
                frame = frame.cache()
            frame.createOrReplaceTempView(table.name)
            schema[table.name] = _frame_types(frame)
    return schema


def _frame_types(frame: DataFrame) -> dict[str, str]:
    return {f.name: f.dataType.simpleString() for f in frame.schema.fields}


# --- transpiling ----------------------------------------------------------------------------


_DUCKDB = Dialect.get_or_raise("duckdb")
_DATE_FUNCTIONS = (exp.Coalesce, exp.Least, exp.Greatest, exp.Max, exp.Min, exp.ArgMax)


class _DateTypes:
    """Which expressions of one query are DATEs: from the tables' column types and, through
    the query's own CTEs, derived tables and VALUES, the columns built from them."""

    def __init__(self, tree: exp.Expr, schema: Mapping[str, Mapping[str, str]]) -> None:
        self.schema = schema
        self.scopes = {id(s.expression): s for s in traverse_scope(tree)}

    def scope_of(self, node: exp.Expr) -> Scope | None:
        """The innermost query scope `node` belongs to."""
        parent: exp.Expr | None = node
        while parent is not None:
            if id(parent) in self.scopes:
                return self.scopes[id(parent)]
            parent = parent.parent
        return None

    def is_date(self, node: exp.Expr, scope: Scope | None) -> bool:
        """`node` is a DATE (or a date ± an interval)."""
        if isinstance(node, exp.Alias | exp.Paren):
            return self.is_date(node.this, scope)
        if isinstance(node, exp.Cast):
            return node.to.is_type(exp.DataType.Type.DATE)
        if isinstance(node, exp.DateFromParts):
            return True
        if isinstance(node, exp.Column):
            return self.column_is_date(node, scope)
        if isinstance(node, _DATE_FUNCTIONS):
            args = [node.this, *node.expressions] if node.this is not None else node.expressions
            return any(self.is_date(a, scope) for a in args if isinstance(a, exp.Expr))
        if isinstance(node, exp.Case):
            branches = [i.args["true"] for i in node.args.get("ifs") or []]
            default = node.args.get("default")
            return any(self.is_date(b, scope) for b in [*branches, default] if b is not None)
        if isinstance(node, exp.Add | exp.Sub) and isinstance(node.expression, exp.Interval):
            return self.is_date(node.this, scope)
        if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select):
            inner = self.scopes.get(id(node.this))
            selects = node.this.selects
            return len(selects) == 1 and self.is_date(selects[0], inner)
        return False

    def column_is_date(self, column: exp.Column, scope: Scope | None) -> bool:
        """Look the column up in its source, in this scope or (correlated) an outer one."""
        while scope is not None:
            if column.table:
                if column.table in scope.sources:
                    return self._source_has_date(scope.sources[column.table], column.name) is True
            else:
                for _, source in scope.selected_sources.values():
                    found = self._source_has_date(source, column.name)
                    if found is not None:
                        return found
            scope = scope.parent
        return False

    def _source_has_date(self, source: exp.Table | Scope, name: str) -> bool | None:
        """True/False when `source` has the column `name` (a DATE or not), None when it lacks it."""
        if isinstance(source, exp.Table):
            types = self.schema.get(source.name)
            if types is None or name not in types:
                return None
            return types[name].lower() == "date"
        query = source.expression
        if isinstance(query, exp.Values):
            names = query.alias_column_names
            if name not in names or not query.expressions:
                return None
            first = query.expressions[0]
            cells = first.expressions if isinstance(first, exp.Tuple) else [first]
            return self.is_date(cells[names.index(name)], source)
        if isinstance(query, exp.SetOperation):
            left = self.scopes.get(id(query.this))
            return self._source_has_date(left, name) if left is not None else None
        if not isinstance(query, exp.Select):
            return None
        for select in query.selects:
            star = isinstance(select, exp.Star) or (
                isinstance(select, exp.Column) and isinstance(select.this, exp.Star)
            )
            if star:
                table = select.table if isinstance(select, exp.Column) else ""
                candidates = (
                    [source.sources[table]]
                    if table and table in source.sources
                    else [s for _, s in source.selected_sources.values()]
                )
                for candidate in candidates:
                    found = self._source_has_date(candidate, name)
                    if found is not None:
                        return found
            elif select.alias_or_name == name:
                return self.is_date(select, source)
        return None


def _date_differences(tree: exp.Expr, schema: Mapping[str, Mapping[str, str]]) -> exp.Expr:
    """date − date (days in DuckDB, an interval in Spark) → DATEDIFF(end, start)."""
    types = _DateTypes(tree, schema)
    found = [
        node
        for node in tree.find_all(exp.Sub)
        if types.is_date(node.this, types.scope_of(node))
        and types.is_date(node.expression, types.scope_of(node))
    ]
    for node in found:
        node.replace(exp.DateDiff(this=node.this, expression=node.expression))
    return tree


def _list_indexes(tree: exp.Expr, schema: Mapping[str, Mapping[str, str]]) -> exp.Expr:
    """list[i] (1-based in DuckDB) → TRY_ELEMENT_AT(list, i) (1-based, NULL when out of range).

    sqlglot keeps an index as DuckDB wrote it unless it can tell the index is an integer, so the
    index DuckDB would print is taken from DuckDB's own generator.
    """
    generator = _DUCKDB.generator()
    for node in list(tree.find_all(exp.Bracket)):
        if len(node.expressions) != 1 or node.args.get("json_access"):
            continue
        (index,) = generator.bracket_offset_expressions(node)
        if isinstance(index, exp.Literal) and index.is_string:
            continue  # a map's key, not a list's index
        index = exp.cast(index, exp.DataType.build("INT"))  # Spark's index is an INT
        node.replace(exp.Anonymous(this="TRY_ELEMENT_AT", expressions=[node.this, index]))
    return tree


def _functions(tree: exp.Expr, schema: Mapping[str, Mapping[str, str]]) -> exp.Expr:
    """DuckDB functions Spark lacks: list_position (NULL when absent; Spark's ARRAY_POSITION
    says 0), to_months/to_days/to_years (Spark writes intervals)."""
    units = {"to_months": "MONTH", "to_days": "DAY", "to_years": "YEAR"}

    def swap(node: exp.Expr) -> exp.Expr:
        name = str(node.this).lower() if isinstance(node, exp.Anonymous) else ""
        if isinstance(node, exp.ArrayPosition) or (
            name in ("list_position", "array_position") and len(node.expressions) == 2
        ):
            haystack, needle = (
                (node.this, node.expression)
                if isinstance(node, exp.ArrayPosition)
                else node.expressions
            )
            position = exp.Anonymous(this="ARRAY_POSITION", expressions=[haystack, needle])
            return exp.Nullif(this=position, expression=exp.Literal.number(0))
        if name in units and len(node.expressions) == 1:
            (amount,) = node.expressions
            unit = units[name]
            if isinstance(amount, exp.Literal) and not amount.is_string:
                return exp.Interval(this=amount, unit=exp.var(unit))
            zero = exp.Literal.number(0)
            if unit == "DAY":
                return exp.Anonymous(this="MAKE_DT_INTERVAL", expressions=[amount])
            parts = [amount, zero] if unit == "YEAR" else [zero, amount]
            return exp.Anonymous(this="MAKE_YM_INTERVAL", expressions=parts)
        return node

    return tree.transform(swap, copy=False)


def _own_nodes(select: exp.Select, kind: type[exp.Expr]) -> list[exp.Expr]:
    """The `kind` nodes of `select`'s projections that are not inside a nested query."""
    found = []
    for projection in select.selects:
        for node in projection.find_all(kind):
            parent = node.parent
            while parent is not None and parent is not select and not isinstance(parent, exp.Query):
                parent = parent.parent
            if parent is select:
                found.append(node)
    return found


def _outer_aggregates(tree: exp.Expr, schema: Mapping[str, Mapping[str, str]]) -> exp.Expr:
    """An aggregate over outer and local columns of a correlated subquery → its arguments are
    computed in a derived table first.

    Spark refuses `(SELECT sum(least(o.end, f.we) − o.start) FROM o WHERE o.id = f.id)` (an
    aggregate mixing the subquery's and the outer query's columns) but accepts the same sum over
    `(SELECT least(o.end, f.we) − o.start AS _a1 FROM o WHERE o.id = f.id) AS _q`.
    """
    targets: list[exp.Select] = []
    for scope in traverse_scope(tree):
        select = scope.expression
        outer = {id(c) for c in scope.external_columns}
        if not outer or not isinstance(select, exp.Select):
            continue
        if any(select.args.get(k) for k in ("group", "having", "order", "limit", "distinct")):
            continue
        aggregates = _own_nodes(select, exp.AggFunc)
        inside = {id(c) for a in aggregates for c in a.find_all(exp.Column)}
        loose = [c for c in _own_nodes(select, exp.Column) if id(c) not in inside | outer]
        mixed = any(
            (ids & outer) and (ids - outer)
            for ids in ({id(c) for c in a.find_all(exp.Column)} for a in aggregates)
        )
        if mixed and not loose:
            targets.append(select)
    for select in targets:
        inner: list[exp.Expr] = []
        rebuilt = select.copy()
        for aggregate in _own_nodes(rebuilt, exp.AggFunc):
            for arg in list(aggregate.iter_expressions()):
                _lift(arg, inner)
        derived = select.copy()
        derived.set("expressions", inner)
        select.replace(
            exp.select(*rebuilt.selects).from_(exp.alias_(exp.Subquery(this=derived), "_q"))
        )
    return tree


def _lift(arg: exp.Expr, inner: list[exp.Expr]) -> None:
    """Move one aggregate argument into the derived table `_q` (DISTINCT stays outside)."""
    if isinstance(arg, exp.Distinct):
        for item in list(arg.expressions):
            _lift(item, inner)
        return
    if not arg.find(exp.Column):
        return
    name = f"_a{len(inner) + 1}"
    inner.append(exp.alias_(arg.copy(), name))
    arg.replace(exp.column(name, "_q"))


#: window functions Spark computes only over an ordered window
_ORDERED_WINDOWS = tuple(
    getattr(exp, n)
    for n in ("RowNumber", "Rank", "DenseRank", "PercentRank", "CumeDist", "Ntile", "Lag", "Lead")
    if hasattr(exp, n)
)


def _window_order(tree: exp.Expr, schema: Mapping[str, Mapping[str, str]]) -> exp.Expr:
    """`row_number() OVER ()` (any order, allowed by DuckDB) → ordered by every column of the
    query's sources.

    Spark requires an order. Every column makes the numbering deterministic — rows equal in all
    columns are interchangeable — so a recomputed partition (after a lost executor) gets the
    same numbers, which an arbitrary order such as monotonically_increasing_id() would not.
    """
    scopes = {id(s.expression): s for s in traverse_scope(tree)}
    for window in list(tree.find_all(exp.Window)):
        if not isinstance(window.this, _ORDERED_WINDOWS) or window.args.get("order"):
            continue
        parent = window.parent
        while parent is not None and id(parent) not in scopes:
            parent = parent.parent
        if parent is None:
            continue
        keys: list[exp.Expr] = []
        for alias, (_, source) in scopes[id(parent)].selected_sources.items():
            names: list[str] = []
            if isinstance(source, exp.Table):
                names = list(schema.get(source.name, {}))
            elif isinstance(source.expression, exp.Query):
                names = [s.alias_or_name for s in source.expression.selects if s.alias_or_name]
            elif isinstance(source.expression, exp.Values):
                names = list(source.expression.alias_column_names)
            keys.extend(exp.column(n, alias, quoted=True) for n in names if n != "*")
        if keys:
            window.set("order", exp.Order(expressions=[exp.Ordered(this=k) for k in keys]))
    return tree


def _double_literals(tree: exp.Expr, schema: Mapping[str, Mapping[str, str]]) -> exp.Expr:
    """A decimal literal (7.0) → CAST(7.0 AS DOUBLE): DuckDB divides by it in DOUBLE, Spark in
    DECIMAL rounded to six places, so sums of such quotients would differ."""
    for node in list(tree.find_all(exp.Literal)):
        if node.is_string or not re.search(r"[.eE]", str(node.this)):
            continue
        if isinstance(node.parent, exp.Interval):
            continue
        node.replace(exp.cast(node.copy(), exp.DataType.build("DOUBLE")))
    return tree


#: the rewrites of `spark_sql`, in order (each takes the tree and the register's column types)
_TRANSFORMS: tuple[Callable[[exp.Expr, Mapping[str, Mapping[str, str]]], exp.Expr], ...] = (
    _date_differences,
    _outer_aggregates,
    _window_order,
    _list_indexes,
    _functions,
    _double_literals,
)


def spark_sql(query: exp.Expr, schema: Mapping[str, Mapping[str, str]]) -> str:
    """One plan step (DuckDB semantics) as Spark SQL with the same meaning."""
    tree = query.copy()
    for transform in _TRANSFORMS:
        tree = transform(tree, schema)
    return tree.sql(dialect="spark")


# --- running ----------------------------------------------------------------------------------


_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "float": "REAL",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}


def _duckdb_type(spark_type: str) -> str:
    if spark_type in _DUCKDB_TYPES:
        return _DUCKDB_TYPES[spark_type]
    if spark_type.startswith("decimal"):
        return spark_type.upper()
    raise AssertionError(f"agg column of Spark type {spark_type}")


def _numpy_column(values: Sequence[Any], kind: str) -> tuple[np.ndarray[Any, Any], bool]:
    """A column for DuckDB and whether it has NULLs (then a validity column comes along)."""
    nulls = any(v is None for v in values)
    if kind in ("DOUBLE", "REAL"):
        data = np.array([0.0 if v is None else v for v in values], dtype=np.float64)
    elif kind in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT"):
        data = np.array([0 if v is None else v for v in values], dtype=np.int64)
    elif kind == "BOOLEAN":
        data = np.array([bool(v) for v in values], dtype=np.bool_)
    else:  # text, dates, timestamps and decimals travel as text and are cast
        data = np.array(
            ["" if v is None else format(v, "f") if isinstance(v, Decimal) else str(v)
             for v in values],
            dtype=object,
        )  # fmt: skip
    return data, nulls


@dataclass(frozen=True)
class Fetched:
    """A Spark result on the driver: (name, DuckDB type) per column, and the rows."""

    fields: tuple[tuple[str, str], ...]
    rows: list[Any]


def fetch(frame: DataFrame) -> Fetched:
    """Collect a (small) Spark result to the driver (safe to call from several threads)."""
    with _quiet():
        fields = tuple(
            (f.name, _duckdb_type(f.dataType.simpleString())) for f in frame.schema.fields
        )
        return Fetched(fields, frame.collect())


def load_into(store: Store, result: Fetched, table: str) -> int:
    """Write a fetched result into a DuckDB temporary table with the same column types.

    Why numpy: the project does not depend on pyarrow, and DuckDB reads a dict of numpy arrays
    directly (row-wise inserts would take seconds for an indicator's few ten thousand rows).
    """
    rows = result.rows
    columns: dict[str, np.ndarray[Any, Any]] = {}
    selects = []
    for i, (name, kind) in enumerate(result.fields):
        data, nulls = _numpy_column([r[i] for r in rows], kind)
        columns[f"c{i}"] = data
        value = f"CAST(c{i} AS {kind})"
        if nulls:
            columns[f"v{i}"] = np.array([r[i] is not None for r in rows], dtype=np.bool_)
            value = f"CASE WHEN v{i} THEN {value} END"
        selects.append(f'{value} AS "{name}"')
    if not rows:
        selects = [f'CAST(NULL AS {kind}) AS "{name}"' for name, kind in result.fields]
    source = "spark_result"
    # DuckDB refuses to register while an earlier statement's result is not fetched to the end
    store.con.execute("SELECT 1").fetchall()
    store.con.register(source, columns if rows else {"c": np.zeros(0, dtype=np.int64)})
    try:
        store.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {', '.join(selects)} FROM {source}"
            + ("" if rows else " LIMIT 0")
        )
    finally:
        store.con.unregister(source)
    return len(rows)


def _spark_schema(table: ConstantTable) -> Any:
    """The Spark schema of a table of constants."""
    from pyspark.sql import types

    kinds = {
        "string": types.StringType(),
        "boolean": types.BooleanType(),
        "int": types.IntegerType(),
        "bigint": types.LongType(),
        "double": types.DoubleType(),
        "date": types.DateType(),
    }
    return types.StructType(
        [
            types.StructField(n, kinds[k], nullable=True)
            for n, k in zip(table.columns, table.kinds, strict=True)
        ]
    )


@dataclass
class SparkRunner:
    """Materialises plan steps as (cached) temporary views; knows every view's column types."""

    spark: SparkSession
    schema: Schema
    #: the steps' SQL as sent to Spark, per table (for errors and tests)
    sent: dict[str, str] = field(default_factory=dict)
    _cached: dict[str, DataFrame] = field(default_factory=dict)

    def run(
        self,
        table: str,
        query: exp.Expr,
        *,
        cache: bool = True,
        constant: ConstantTable | None = None,
    ) -> DataFrame:
        """`CREATE OR REPLACE TEMP TABLE table AS query`, Spark style: a temporary view, cached
        unless it is read only once (`cache=False`). `constant`: the query's rows, when it is
        a table of constants (see `constant_table`)."""
        with _quiet():
            if constant is not None:
                self.sent[table] = f"-- {len(constant.rows)} rows of constants"
                frame = self.spark.createDataFrame(list(constant.rows), _spark_schema(constant))
            else:
                sql = spark_sql(query, dict(self.schema))  # other threads add their views
                self.sent[table] = sql
                frame = self.spark.sql(sql)
                if cache:
                    frame = frame.cache()
            frame.createOrReplaceTempView(table)
        self.drop(table)
        if cache and constant is None:
            self._cached[table] = frame
        self.schema[table] = _frame_types(frame)
        return frame

    def run_steps(self, steps: Sequence[Step], *, keep: bool = False) -> DataFrame:
        """Materialise `steps` in order; the last one's frame.

        A step is cached when later steps read it more than once (or `keep`: the shared steps
        every indicator reads); a step read once is left as a view, and Spark plans it into
        the query that reads it. A table of constants is handed to Spark as rows, in memory.
        """
        constants = [step.constant or constant_table(step.query) for step in steps]
        reads: Counter[str] = Counter()
        for step, constant in zip(steps, constants, strict=True):
            if constant is None:  # a table of constants reads no table
                reads.update(t.name for t in step.query.find_all(exp.Table) if not t.db)
        frame: DataFrame | None = None
        for step, constant in zip(steps, constants, strict=True):
            cache = keep or reads[step.table] > 1
            frame = self.run(step.table, step.query, cache=cache, constant=constant)
        assert frame is not None, "a plan has steps"
        return frame

    def drop(self, *tables: str) -> None:
        """Free the cached rows of these views (all when none are named)."""
        for table in tables or tuple(self._cached):
            frame = self._cached.pop(table, None)
            if frame is not None:
                with _quiet():
                    frame.unpersist()


def _scalar(spark: SparkSession, duckdb_sql: str, schema: Schema) -> Any:
    query = sqlglot.parse_one(duckdb_sql, dialect="duckdb")
    with _quiet():
        rows = spark.sql(spark_sql(query, schema)).collect()
    return rows[0][0] if rows else None


def spark_data_date(spark: SparkSession, schema: Schema) -> date:
    """The newest date in the register on or before today (as `engine.run.data_date`)."""
    from pejling.register.tables import TABLES

    parts = [
        f'SELECT max(start) AS x FROM {t.name} UNION ALL SELECT max("end") FROM {t.name}'
        for t in TABLES
        if t.spell == ("start", "end") and t.name in schema
    ]
    value = _scalar(
        spark,
        f"SELECT max(x) FROM ({' UNION ALL '.join(parts)}) AS d WHERE x <= current_date",
        schema,
    )
    if value is None:
        raise UserError(
            "the register is empty: import person-level files first (pejling import FOLDER)"
        )
    assert isinstance(value, date)
    return value


def spark_provenance(spark: SparkSession, schema: Schema) -> str:
    """`synthetic` when any person was generated (as `engine.run.register_provenance`)."""
    if "provenance" not in schema.get("persons", {}):
        return "register"
    value = _scalar(
        spark,
        "SELECT coalesce(bool_or(provenance = 'synthetic'), false) FROM persons",
        schema,
    )
    return "synthetic" if value else "register"


def renamed(steps: Sequence[Step], suffix: str) -> tuple[Step, ...]:
    """The steps with their tables named `table_suffix`, and every reference to them too.

    Why: indicators run side by side on Spark (see `compute_all_spark`), and two plans'
    `cube` or `agg` must not replace each other's view. A table of constants reads no table and
    keeps its tree (copying thousands of rows' nodes would cost more than the rename).
    """
    from pejling.engine.plan import Step

    names = {step.table for step in steps}
    out = []
    for step in steps:
        if step.constant is not None:
            out.append(Step(f"{step.table}_{suffix}", constant=step.constant))
            continue
        query = step.query
        if constant_table(query) is None:
            query = query.copy()
            ctes = {cte.alias for cte in query.find_all(exp.CTE)}
            for table in query.find_all(exp.Table):
                if table.name in names and table.name not in ctes and not table.db:
                    if not table.alias:  # columns qualified by the table's name keep it
                        table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
                    table.set("this", exp.to_identifier(f"{table.name}_{suffix}"))
        out.append(Step(f"{step.table}_{suffix}", query))
    return tuple(out)


def compute_all_spark(
    store: Store,
    catalog: Catalog,
    spark: SparkSession,
    register: str,
    *,
    as_of: date | None = None,
    first_year: int = 2012,
    cohort_ranges: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    only: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
    cache_register: bool = True,
    parallel: int = 2,
) -> ComputeResult:
    """`engine.run.compute_all` on Spark: the register is read from the Parquet folder
    `register` (a path or URI), the observations are written to `store` in one transaction.

    `parallel` indicators are computed side by side: one indicator's queries are a chain of
    small jobs, and while Spark plans one (on the driver) its executors would otherwise idle.
    Results are written to the store in catalog order, as `compute_all` writes them.
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    from pejling.engine.plan import RESULT, plan_run
    from pejling.store.observation_import import log_import, next_import_id

    specs = selected(catalog, only)
    schema = load_register(spark, register, cache=cache_register)
    runner = SparkRunner(spark, schema)
    as_of = as_of or spark_data_date(spark, schema)
    provenance = spark_provenance(spark, schema)
    plan = plan_run(
        [(s.id, s.compute) for s in specs if s.compute], as_of, first_year, cohort_ranges
    )
    if progress:
        progress("Forbereder personer og datoer (Spark)", 0, len(specs))
    if plan.shared:
        runner.run_steps(plan.shared, keep=True)

    def compute(number: int) -> tuple[Fetched, float]:
        started = time.perf_counter()
        steps = renamed(plan.indicators[number].steps, f"i{number}")
        try:
            return fetch(runner.run_steps(steps)), time.perf_counter() - started
        finally:
            runner.drop(*(step.table for step in steps))

    # two indicators may differ only in how `agg` becomes values (full-time persons and
    # their share): the same steps as the indicator before, the same `agg`
    same = [
        n > 0 and plan.indicators[n].steps == plan.indicators[n - 1].steps
        for n in range(len(specs))
    ]
    assert all(p.steps[-1].table == RESULT for p in plan.indicators)
    timings: list[IndicatorTiming] = []
    con = store.con
    import_id = next_import_id(store)
    pool = ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="pejling-spark")
    futures: list[Future[tuple[Fetched, float]] | None] = []
    try:
        futures += [None if same[n] else pool.submit(compute, n) for n in range(len(specs))]
        con.execute("BEGIN TRANSACTION")
        try:
            for number, spec in enumerate(specs):
                if progress:
                    progress(f"Beregner {spec.id} (Spark)", number, len(specs))
                started = time.perf_counter()
                future = futures[number]
                seconds = 0.0
                if future is not None:  # else `agg` is still the previous indicator's
                    result, seconds = future.result()
                    load_into(store, result, RESULT)
                rows = write_observations(store, catalog, spec, as_of, import_id, provenance)
                seconds += time.perf_counter() - started
                timings.append(IndicatorTiming(spec.id, rows, seconds))
            digest = _digest(specs)
            log_import(store, import_id, f"register as of {as_of.isoformat()} (Spark)", digest,
                       "compute", "imported", sum(t.rows for t in timings), 0, 0, None)  # fmt: skip
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if any(f is not None and f.running() for f in futures):
            spark.sparkContext.cancelAllJobs()  # a failed run does not wait for the others
        pool.shutdown(wait=True)
        runner.drop()
    if progress:
        progress("Færdig", len(specs), len(specs))
    return ComputeResult(as_of, tuple(timings), provenance == "synthetic")


def _digest(specs: Sequence[IndicatorSpec]) -> str:
    """The same digest of the definitions as `compute_all` logs."""
    return hashlib.sha256(
        "|".join(
            f"{s.id}:{s.compute.model_dump_json() if s.compute else ''}" for s in specs
        ).encode()
    ).hexdigest()
