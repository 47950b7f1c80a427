"""The person-level tables: one declarative description shared by the store, the import and the
synthetic register.

Why declarative: the same column list drives the `CREATE TABLE`, the validation of an incoming
file (types, codes, ranges, keys, overlaps, references) and the files `pejling synth` writes, so
the three cannot drift apart. docs/data-model.md is the human-readable form of this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ColumnType(StrEnum):
    """How a column is parsed and stored."""

    PERSON = "person"  # the pseudonymous person id (from a `cpr` or `person_id` input column)
    DATE = "date"
    INT = "int"
    FLOAT = "float"
    CODE = "code"  # one of a closed list
    MUNICIPALITY = "municipality"  # one of the 98 codes
    BOOL = "bool"  # derived flags only


_SQL_TYPES = {
    ColumnType.PERSON: "VARCHAR",
    ColumnType.DATE: "DATE",
    ColumnType.INT: "INTEGER",
    ColumnType.FLOAT: "DOUBLE",
    ColumnType.CODE: "VARCHAR",
    ColumnType.MUNICIPALITY: "SMALLINT",
    ColumnType.BOOL: "BOOLEAN",
}


@dataclass(frozen=True)
class Column:
    """One column: its type, whether it may be empty, and its allowed values."""

    name: str
    type: ColumnType
    required: bool = True
    codes: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    doc: str = ""
    #: the column may be left out of a file altogether (then every row is empty)
    absent_ok: bool = False

    @property
    def sql_type(self) -> str:
        """The DuckDB column type."""
        return _SQL_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    """One person-level table."""

    name: str
    title_da: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    #: (start, end) columns of a spell; end may be empty (open spell)
    spell: tuple[str, str] | None = None
    #: spells may not overlap within these columns (always including person_id)
    no_overlap: tuple[str, ...] | None = None
    #: extra rules "a <= b" between date columns (both present)
    ordered: tuple[tuple[str, str], ...] = ()
    doc: str = ""
    derived: tuple[Column, ...] = field(default=())

    def column(self, name: str) -> Column:
        """The column called `name` (KeyError if unknown)."""
        for col in (*self.columns, *self.derived):
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of the input columns, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def required_names(self) -> tuple[str, ...]:
        """Names of the columns every file must have."""
        return tuple(c.name for c in self.columns if not c.absent_ok)


SEX = ("m", "f")
ORIGIN = ("danish_origin", "immigrant", "descendant")
RESIDENCE_BASIS = (
    "refugee",
    "reunified_refugee",
    "reunified_other",
    "work",
    "study",
    "eu",
    "other",
)
EDUCATION_AT_ARRIVAL = ("none", "basic", "upper_secondary", "vocational", "higher", "unknown")
PROGRAMMES = ("integration_programme", "self_support_return_programme", "introduction_programme")
BENEFITS = (
    "integration_benefit",
    "self_support_benefit",
    "cash_benefit",
    "education_benefit",
    "unemployment_insurance",
    "sickness_benefit",
    "flexjob",
    "disability_pension",
)
#: benefits paid to persons covered by the integration programme
PROGRAMME_BENEFITS = ("integration_benefit", "self_support_benefit")
EMPLOYMENT_KINDS = ("ordinary", "subsidised")
OFFERS = (
    "company_internship",
    "wage_subsidy",
    "igu",
    "ordinary_job_hours",
    "education",
    "guidance_upskilling",
)
#: offers the Task Force and the seeds call company-oriented (virksomhedsrettede)
COMPANY_OFFERS = ("company_internship", "wage_subsidy", "igu")
#: company- or education-oriented (Sønderborg's 80 % goal); guidance/up-skilling is neither
COMPANY_OR_EDUCATION_OFFERS = (*COMPANY_OFFERS, "ordinary_job_hours", "education")
TRACKS = ("DU1", "DU2", "DU3")
FINAL_TESTS = ("PD1", "PD2", "PD3")
TEST_RESULTS = ("passed", "failed")
SUBJECTS = ("danish_written", "danish_oral", "spelling", "maths", "english")
GRADES = ("-3", "00", "02", "4", "7", "10", "12")
EDUCATION_LEVELS = ("youth", "higher")
EDUCATION_OUTCOMES = ("completed", "dropped_out", "ongoing")
ASSESSMENTS = ("job_ready", "activity_ready")
PERSON_PROVENANCE = ("register", "synthetic")

_PERSON = Column("person_id", ColumnType.PERSON, doc="pseudonymous id (HMAC of the CPR number)")

PERSONS = Table(
    "persons",
    "Personer",
    (
        _PERSON,
        Column("birth_date", ColumnType.DATE, doc="date of birth (exact ages at a date)"),
        Column("sex", ColumnType.CODE, codes=SEX),
        Column("origin", ColumnType.CODE, codes=ORIGIN, doc="Statistics Denmark origin"),
        Column(
            "country_of_origin",
            ColumnType.CODE,
            doc="ISO 3166 alpha-3; DNK for Danish origin; Western/MENAPT are derived from it",
        ),
        Column("residence_basis", ColumnType.CODE, required=False, codes=RESIDENCE_BASIS),
        Column("arrival_date", ColumnType.DATE, required=False, doc="immigrants only"),
        Column("education_at_arrival", ColumnType.CODE, required=False, codes=EDUCATION_AT_ARRIVAL),
        Column(
            "provenance",
            ColumnType.CODE,
            required=False,
            codes=PERSON_PROVENANCE,
            absent_ok=True,
            doc="`synthetic` for persons generated by `pejling synth` (the mark travels with the "
            "file: every figure computed from such a register is labelled synthetic); empty or "
            "absent: a real register",
        ),
        Column(
            "weight",
            ColumnType.FLOAT,
            required=False,
            minimum=1,
            absent_ok=True,
            doc="sampling weight: how many persons of the population this person stands for "
            "(a sampled register); empty or absent: 1",
        ),
    ),
    key=("person_id",),
    ordered=(("birth_date", "arrival_date"),),
    derived=(
        Column("western", ColumnType.BOOL, required=False, doc="derived; empty for Danish origin"),
        Column("menapt", ColumnType.BOOL, required=False, doc="derived; empty for Danish origin"),
    ),
)

RESIDENCE = Table(
    "residence_spells",
    "Bopælsperioder",
    (
        _PERSON,
        Column("municipality", ColumnType.MUNICIPALITY),
        Column("start", ColumnType.DATE),
        Column("end", ColumnType.DATE, required=False),
    ),
    key=("person_id", "start"),
    spell=("start", "end"),
    no_overlap=("person_id",),
)

PROGRAMME = Table(
    "programme_spells",
    "Programforløb",
    (
        _PERSON,
        Column("programme", ColumnType.CODE, codes=PROGRAMMES),
        Column("municipality", ColumnType.MUNICIPALITY),
        Column("start", ColumnType.DATE),
        Column("planned_end", ColumnType.DATE),
        Column("end", ColumnType.DATE, required=False, doc="actual end; empty while running"),
    ),
    key=("person_id", "start"),
    spell=("start", "end"),
    no_overlap=("person_id",),
    ordered=(("start", "planned_end"),),
)

BENEFIT = Table(
    "benefit_spells",
    "Ydelsesperioder",
    (
        _PERSON,
        Column("benefit", ColumnType.CODE, codes=BENEFITS),
        Column("start", ColumnType.DATE),
        Column("end", ColumnType.DATE, required=False),
    ),
    key=("person_id", "benefit", "start"),
    spell=("start", "end"),
    no_overlap=("person_id", "benefit"),
)

EMPLOYMENT = Table(
    "employment_spells",
    "Beskæftigelsesperioder",
    (
        _PERSON,
        Column("start", ColumnType.DATE),
        Column("end", ColumnType.DATE, required=False),
        Column("weekly_hours", ColumnType.FLOAT, minimum=0, maximum=80),
        Column("kind", ColumnType.CODE, codes=EMPLOYMENT_KINDS),
    ),
    key=("person_id", "start", "kind"),
    spell=("start", "end"),
    doc="two jobs at once are allowed, so spells may overlap",
)

OFFER = Table(
    "activation_offers",
    "Tilbud",
    (
        _PERSON,
        Column("offer", ColumnType.CODE, codes=OFFERS),
        Column("start", ColumnType.DATE),
        Column("end", ColumnType.DATE, required=False),
        Column("hours_per_week", ColumnType.FLOAT, minimum=0, maximum=60),
    ),
    key=("person_id", "offer", "start"),
    spell=("start", "end"),
    no_overlap=("person_id", "offer"),
)

DANISH = Table(
    "danish_education",
    "Danskuddannelse",
    (
        _PERSON,
        Column("track", ColumnType.CODE, codes=TRACKS),
        Column("start", ColumnType.DATE),
        Column("end", ColumnType.DATE, required=False),
        Column("modules_passed", ColumnType.INT, minimum=0, maximum=6),
        Column("final_test", ColumnType.CODE, required=False, codes=FINAL_TESTS),
        Column("test_date", ColumnType.DATE, required=False),
        Column("result", ColumnType.CODE, required=False, codes=TEST_RESULTS),
    ),
    key=("person_id", "start"),
    spell=("start", "end"),
    no_overlap=("person_id",),
    ordered=(("start", "test_date"),),
)

EXAMS = Table(
    "exam_grades",
    "Karakterer ved 9. klasses afgangsprøve",
    (
        _PERSON,
        Column("exam_year", ColumnType.INT, minimum=1990, maximum=2100),
        Column("subject", ColumnType.CODE, codes=SUBJECTS),
        Column("grade", ColumnType.CODE, codes=GRADES, doc="the 7-point scale, 00 and 02 as text"),
    ),
    key=("person_id", "exam_year", "subject"),
)

EDUCATION = Table(
    "education_spells",
    "Uddannelsesforløb (ungdoms- og videregående uddannelse)",
    (
        _PERSON,
        Column("level", ColumnType.CODE, codes=EDUCATION_LEVELS),
        Column("start", ColumnType.DATE),
        Column("end", ColumnType.DATE, required=False),
        Column("outcome", ColumnType.CODE, codes=EDUCATION_OUTCOMES),
    ),
    key=("person_id", "level", "start"),
    spell=("start", "end"),
)

JOB_READINESS = Table(
    "job_readiness",
    "Visitationskategori (jobparat / aktivitetsparat)",
    (
        _PERSON,
        Column("date", ColumnType.DATE),
        Column("assessment", ColumnType.CODE, codes=ASSESSMENTS),
    ),
    key=("person_id", "date"),
)

#: In dependency order: persons first (the others refer to it).
TABLES: tuple[Table, ...] = (
    PERSONS,
    RESIDENCE,
    PROGRAMME,
    BENEFIT,
    EMPLOYMENT,
    OFFER,
    DANISH,
    EXAMS,
    EDUCATION,
    JOB_READINESS,
)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


#: the integer person key stored beside the person id in every register table (`person_keys`)
PERSON_KEY = "pk"


def create_table_sql(table: Table) -> str:
    """`CREATE TABLE` for the stored form (input columns, derived columns, import_id, pk).

    No PRIMARY KEY constraint: keys are checked on the whole incoming table before anything is
    written (with a located error), and an index would slow a national import several-fold.
    `pk` is the person's integer key from `person_keys` (see `register.keys`), given at import.
    """
    cols = [f'"{c.name}" {c.sql_type}' for c in (*table.columns, *table.derived)]
    cols.append("import_id INTEGER NOT NULL")
    cols.append(f"{PERSON_KEY} INTEGER")
    return f"CREATE TABLE {table.name} ({', '.join(cols)})"
