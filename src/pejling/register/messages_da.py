"""Danish wording of the register import's problem reports, for the CLI.

Why a translation layer: the checks produce one English report that tests and developers read;
analysts in a jobcenter read Danish. The CLI renders a rejected import through this module when
the workspace language is Danish. Each pattern is anchored on the fixed English wording the
checks use, so an untranslated message simply stays English rather than turning into nonsense.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pejling.errors import InputRejected, Problem

_MESSAGE = [
    (r"^missing value$", "mangler en værdi"),
    (r"^(.*) is not a date$", r"\1 er ikke en dato"),
    (r"^(.*) is not a whole number$", r"\1 er ikke et helt tal"),
    (r"^(.*) is not a number$", r"\1 er ikke et tal"),
    (r"^(.*) is out of range$", r"\1 er uden for det tilladte interval"),
    (r"^unknown code (.*)$", r"ukendt kode \1"),
    (r"^(.*) is not a municipality code$", r"\1 er ikke en kommunekode"),
    (r"^not a valid CPR number \(the value is not shown\)$", "ikke et gyldigt CPR-nummer (værdien vises ikke)"),
    (r"^holds a value that looks like a CPR number \(not shown\)$", "indeholder en værdi, der ligner et CPR-nummer (vises ikke)"),
    (r"^(.*) is not a pseudonymous id$", r"\1 er ikke et pseudonymt id"),
    (r"^(\S+) (\S+) is before (\S+) (\S+)$", r"\1 \2 ligger før \3 \4"),
    (r"^the same (.*) as (line|row) (\d+)$", lambda m: f"samme {m[1]} som {'linje' if m[2] == 'line' else 'række'} {m[3]}"),
    (r"^overlaps the spell in (line|row) (\d+)$", lambda m: f"overlapper perioden i {'linje' if m[1] == 'line' else 'række'} {m[2]}"),
    (r"^refers to a person who is not in persons$", "henviser til en person, der ikke findes i persons"),
    (r"^an immigrant without arrival_date$", "en indvandrer uden arrival_date"),
    (r"^Danish origin with country_of_origin (.*)$", r"dansk oprindelse med country_of_origin \1"),
    (r"^no data rows$", "ingen datarækker"),
    (r"^unknown column .*$", "ukendt kolonne (personfiler må kun have de dokumenterede kolonner)"),
    (r"^missing column\(s\): (.*)$", r"mangler kolonne(r): \1"),
    (r"^both cpr and person_id columns$", "både en cpr- og en person_id-kolonne"),
    (r"^the file is UTF-16 \(or binary\), which pejling does not read$", "filen er UTF-16 (eller binær), som pejling ikke kan læse"),
    (r"^the file cannot be read as a table .*$", "filen kan ikke læses som en tabel (en række har flere eller færre felter end overskriften, eller et anførselstegn er ikke lukket)"),
    (r"^not a readable Parquet file$", "ikke en læsbar Parquet-fil"),
    (r"^not a readable XLSX file$", "ikke en læsbar XLSX-fil"),
    (r"^unsupported file type (.*)$", r"filtypen \1 understøttes ikke"),
    (r"^the file name does not name a register table$", "filnavnet er ikke navnet på en registertabel"),
    (r"^a second file for table (\S+) \(also (.*)\)$", r"endnu en fil til tabellen \1 (også \2)"),
    (r"^([\d.]+) stored rows refer to persons who are not in the new persons file$", r"\1 gemte rækker henviser til personer, der ikke er i den nye persons-fil"),
    (r"^no such file or folder$", "filen eller mappen findes ikke"),
    (r"^no register files found$", "ingen registerfiler fundet"),
    (r"^problems per kind: (.*)$", r"problemer pr. type: \1"),
]  # fmt: skip
_EXPECTED = [
    (r"^a value$", "en værdi"),
    (r"^ddmmyy-nnnn or ddmmyynnnn$", "ddmmåå-nnnn eller ddmmåånnnn"),
    (r"^dd\.mm\.yyyy or yyyy-mm-dd$", "dd.mm.åååå eller åååå-mm-dd"),
    (r"^a number \(decimal comma or point\)$", "et tal (decimalkomma eller -punktum)"),
    (r"^a whole number$", "et helt tal"),
    (r"^one of the 98 municipality codes$", "en af de 98 kommunekoder"),
    (r"^an ISO 3166 alpha-3 code, e\.g\. (\w+)$", r"en ISO 3166 alpha-3-kode, fx \1"),
    (r"^one of (.*)$", r"en af \1"),
    (r"^CPR numbers only in the column cpr, where they are pseudonymised$", "CPR-numre kun i kolonnen cpr, hvor de pseudonymiseres"),
    (r"^(\S+) on or before (\S+)$", r"\1 senest \2"),
    (r"^one row per (.*)$", r"én række pr. \1"),
    (r"^spells that do not overlap$", "perioder, der ikke overlapper"),
    (r"^a person in persons \(the same import or an earlier one\)$", "en person i persons (i samme eller en tidligere indlæsning)"),
    (r"^at least one row$", "mindst én række"),
    (r"^only (.*) \(or cpr instead of person_id\)$", r"kun \1 (eller cpr i stedet for person_id)"),
    (r"^the columns (.*) \(person_id may be cpr\)$", r"kolonnerne \1 (person_id kan hedde cpr)"),
    (r"^a CSV file in UTF-8 or Windows-1252$", "en CSV-fil i UTF-8 eller Windows-1252"),
    (r"^one '(.)'-separated field per column on every line$", r"ét '\1'-separeret felt pr. kolonne på hver linje"),
    (r"^import (\S+) again in the same batch as persons$", r"indlæs \1 igen sammen med persons"),
    (r"^arrival_date for every immigrant$", "arrival_date for alle indvandrere"),
    (r"^DNK for persons of Danish origin$", "DNK for personer med dansk oprindelse"),
    (r"^one of them$", "kun den ene"),
    (r"^one file per table$", "én fil pr. tabel"),
    (r"^a \.csv, \.xlsx or \.parquet file$", "en .csv-, .xlsx- eller .parquet-fil"),
    (r"^(\S+) to (\S+)$", r"\1 til \2"),
]  # fmt: skip
_HINT = [
    (r"^did you mean '(.*)'\?$", r"Mente du '\1'?"),
    (r"^Save it again as 'CSV UTF-8' from Excel$", "Gem den igen som 'CSV UTF-8' fra Excel"),
    (r"^The header was read as a single column.*$", "Overskriften blev læst som én kolonne: er skilletegnet et andet end ';' eller ','?"),
]  # fmt: skip
_LOCATION = [
    (r", column (\S+)$", r", kolonne \1"),
    (r": column '(.*)'$", r": kolonne '\1'"),
    (r" row (\d+)", r" række \1"),
    (r"^stored table ", "gemt tabel "),
    (r"^batch$", "samlet"),
]


def _apply(text: str, rules: Sequence[tuple[str, object]], whole: bool = True) -> str:
    for pattern, replacement in rules:
        new, count = re.subn(pattern, replacement, text)  # type: ignore[call-overload]
        if count:
            text = str(new)
            if whole:
                return text
    return text


def problem_da(problem: Problem) -> Problem:
    """The same problem in Danish (parts without a known wording stay as they are)."""
    return Problem(
        _apply(problem.location, _LOCATION, whole=False),
        _apply(problem.message, _MESSAGE),
        _apply(problem.expected, _EXPECTED) if problem.expected else "",
        _apply(problem.hint, _HINT) if problem.hint else "",
        problem.code,
    )


def render_da(error: InputRejected) -> str:
    """A rejected import in Danish: summary line, problems, and how many were left out."""
    head = f"{error.source}: afvist, {error.total} problem(er); intet er skrevet"
    lines = [head]
    for p in error.problems:
        q = problem_da(p)
        text = f"{q.location}: {q.message}"
        if q.expected:
            text += f"; forventet {q.expected}"
        if q.hint:
            text += f". {q.hint}"
        lines.append("  " + text)
    if error.total > len(error.problems):
        lines.append(f"  … og {error.total - len(error.problems)} flere")
    return "\n".join(lines)
