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
    (r"^unknown column \(person-level .*$", "ukendt kolonne (personfiler må kun have de dokumenterede kolonner)"),
    (r"^unknown column '(.*)'$", r"ukendt kolonne '\1'"),
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
    # observation files
    (r"^column '(.*)' appears twice$", r"kolonnen '\1' står to gange"),
    (r"^the column appears twice in the header$", "kolonnen står to gange i overskriften"),
    (r"^missing column '(.*)'$", r"mangler kolonnen '\1'"),
    (r"^no 'value' column and no 'numerator' \+ 'denominator' columns$", "ingen kolonne 'value' og ingen kolonner 'numerator' + 'denominator'"),
    (r"^empty$", "tom"),
    (r"^unknown indicator '(.*)'$", r"ukendt indikator '\1'"),
    (r"^(.*) is a region (.*), not a municipality$", r"\1 er en region \2, ikke en kommune"),
    (r"^(.*) is a landsdel \(province\) (.*), not a municipality$", r"\1 er en landsdel \2, ikke en kommune"),
    (r"^(.*) is abroad, not a municipality$", r"\1 er udlandet, ikke en kommune"),
    (r"^(.*) means not stated \(no known municipality\)$", r"\1 er uoplyst (ingen kendt kommune)"),
    (r"^(.*) is Christiansø, which is not a municipality$", r"\1 er Christiansø, som ikke er en kommune"),
    (r"^(.*) is an area that is not a municipality$", r"\1 er et område, der ikke er en kommune"),
    (r"^(.*) is not a period from (\d+) to (\d+)$", r"\1 er ikke en periode fra \2 til \3"),
    (r"^(.*) is not a period; expected .*$", r"\1 er ikke en periode"),
    (r"^(.*) is not a period$", r"\1 er ikke en periode"),
    (r"^(.*) is not a group$", r"\1 er ikke en gruppe"),
    (r"^unknown (\w+) '(.*)'; expected one of (.*)$", r"ukendt \1 '\2'; forventet en af \3"),
    (r"^unit (.*) does not match indicator (.*)$", r"enheden \1 passer ikke til indikatoren \2"),
    (r"^(.*) is not a provenance$", r"\1 er ikke en oprindelse"),
    (r"^negative numerator (.*)$", r"negativ tæller \1"),
    (r"^negative value (.*)$", r"negativ værdi \1"),
    (r"^denominator (.*) is not positive$", r"nævneren \1 er ikke positiv"),
    (r"^numerator (.*) exceeds denominator (.*)$", r"tælleren \1 er større end nævneren \2"),
    (r"^value (.*) disagrees with numerator/denominator (.*)$", r"værdien \1 stemmer ikke med tæller/nævner \2"),
    (r"^(.*) is outside 0–100$", r"\1 ligger uden for 0–100"),
    (r"^duplicate of line (\d+) .*$", r"dublet af linje \1 (samme indikator, kommune, periode, gruppe, kilde og udgave)"),
    (r"^the file is empty$", "filen er tom"),
    (r"^the first sheet is empty$", "det første ark er tomt"),
    (r"^unreadable CSV: (.*)$", r"ulæselig CSV: \1"),
    (r"^holds a control character \(such as NUL\), which is not text$", "indeholder et kontroltegn (fx NUL), som ikke er tekst"),
    (r"^cannot read the file \((.*)\)$", r"filen kan ikke læses (\1)"),
    (r"^no such file$", "filen findes ikke"),
    # encodings, line endings and limits (both kinds of file)
    (r"^the file is (UTF-16|UTF-32), which pejling does not read$", r"filen er \1, som pejling ikke kan læse"),
    (r"^the file holds a NUL byte \(binary data\)$", "filen indeholder en NUL-byte (binære data)"),
    (r"^byte (0x..) is not a character in UTF-8 or in Windows-1252$", r"byten \1 er ikke et tegn i UTF-8 eller i Windows-1252"),
    (r"^the file mixes two encodings: line (\d+) is UTF-8, line (\d+) is not$", r"filen blander to tegnsæt: linje \1 er UTF-8, linje \2 er ikke"),
    (r"^the file ends in the middle of a UTF-8 character$", "filen slutter midt i et UTF-8-tegn"),
    (r"^the line is longer than (.*)$", r"linjen er længere end \1"),
    (r"^mixed line endings: (.*)$", lambda m: "blandede linjeskift: " + _endings_da(m[1])),
    (r"^line endings: (.*)$", lambda m: "linjeskift: " + _endings_da(m[1])),
    (r"^the file is too large \(on disk (.*), the limit is (.*)\)$", r"filen er for stor (\1 på disken, grænsen er \2)"),
    (r"^the file is too large \(unpacked (.*), the limit is (.*)\)$", r"filen er for stor (\1 udpakket, grænsen er \2)"),
    (r"^the workbook unpacks to far more than it holds \((.*) packed, (.*) unpacked\), like a zip bomb$", r"projektmappen fylder langt mere udpakket end pakket (\1 pakket, \2 udpakket), som en zip-bombe"),
    (r"^the file has more than (.*) rows$", r"filen har mere end \1 rækker"),
    (r"^the file has more than (.*) columns$", r"filen har mere end \1 kolonner"),
]  # fmt: skip


def _endings_da(text: str) -> str:
    return text.replace(" first in line ", " først i linje ").replace(
        "alone (old Mac)", "alene (gammel Mac)"
    )


_EXPECTED_OBSERVATIONS = [
    (r"^an indicator id( from the catalog)? \(see 'pejling indicators'\)$", "et indikator-id fra kataloget (se 'pejling indicators')"),
    (r"^one of the 98 municipality codes \(265 or 0265\), a name .*$", "en af de 98 kommunekoder (265 eller 0265), et navn (Roskilde, Københavns Kommune) eller 0 / Hele landet for hele landet"),
    (r"^one of the 98 municipalities, or 0 / Hele landet for the whole country; leave such rows out$", "en af de 98 kommuner eller 0 / Hele landet; udelad sådanne rækker"),
    (r"^one of the 98 three-digit codes \(e\.g\. 265\) or 0 for the whole country$", "en af de 98 trecifrede koder (fx 265) eller 0 for hele landet"),
    (r"^e\.g\. 2015, 2015H1, 2015Q3, 2015-03 or 31\.03\.2015$", "fx 2015, 2015H1, 2015Q3, 2015-03 eller 31.03.2015"),
    (r"^key=value pairs like (.*), or empty$", r"nøgle=værdi-par som \1, eller tom"),
    (r"^a number such as 66,7 or 66\.7$", "et tal som 66,7 eller 66.7"),
    (r"^who published the figure \(document, table\)$", "hvem der har offentliggjort tallet (dokument, tabel)"),
    (r"^the release, e\.g\. (.*) or (.*)$", r"udgaven, fx \1 eller \2"),
    (r"^published \(a document or an official statistic\).*$", "published (et dokument eller en officiel statistik), register (beregnet fra personregisterdata) eller synthetic (beregnet fra genererede data)"),
    (r"^0 or more \((.*)\)$", r"0 eller mere (\1)"),
    (r"^0 or more$", "0 eller mere"),
    (r"^more than 0$", "mere end 0"),
    (r"^at most the denominator$", "højst nævneren"),
    (r"^values that agree within rounding$", "værdier, der stemmer overens på nær afrunding"),
    (r"^a percentage between 0 and 100$", "en procentdel mellem 0 og 100"),
    (r"^one row per series, period and vintage$", "én række pr. serie, periode og udgave"),
    (r"^at least one observation$", "mindst én observation"),
    (r"^a header row and data$", "en overskriftsrække og data"),
    (r"^a header row$", "en overskriftsrække"),
    (r"^valid CSV$", "gyldig CSV"),
    (r"^each column once$", "hver kolonne én gang"),
    (r"^a header with (.*)$", r"en overskrift med \1"),
    (r"^a value, or numerator and denominator$", "en værdi, eller tæller og nævner"),
    (r"^no CPR numbers in observation files \(they hold aggregate figures\)$", "ingen CPR-numre i observationsfiler (de indeholder samlede tal)"),
    (r"^printable text$", "læsbar tekst"),
    (r"^a text file \(CSV\) in UTF-8 or Windows-1252$", "en tekstfil (CSV) i UTF-8 eller Windows-1252"),
    (r"^one encoding for the whole file \(UTF-8 or Windows-1252\)$", "ét tegnsæt i hele filen (UTF-8 eller Windows-1252)"),
    (r"^a complete UTF-8 file$", "en hel UTF-8-fil"),
    (r"^lines of at most (.*)$", r"linjer på højst \1"),
    (r"^one kind of line ending in the whole file, (.*)$", r"én slags linjeskift i hele filen, \1"),
    (r"^a smaller file .*$", "en mindre fil (del den op, eller udelad kolonner og rækker, som pejling ikke bruger)"),
    (r"^a workbook saved by Excel or LibreOffice with only the data$", "en projektmappe gemt af Excel eller LibreOffice med kun data"),
    (r"^at most (.*) (rows|columns)$", lambda m: f"højst {m[1]} {'rækker' if m[2] == 'rows' else 'kolonner'}"),
    (r"^a \.csv or \.xlsx file$", "en .csv- eller .xlsx-fil"),
    (r"^an \.xlsx workbook$", "en .xlsx-projektmappe"),
    (r"^an existing file$", "en fil, der findes"),
]  # fmt: skip
_EXPECTED = [
    *_EXPECTED_OBSERVATIONS,
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
    (r"^only (.*)$", r"kun \1"),
]  # fmt: skip
_HINT = [
    (r"^did you mean '(.*)'\?$", r"Mente du '\1'?"),
    (r"^Save it again as 'CSV UTF-8' from Excel$", "Gem den igen som 'CSV UTF-8' fra Excel"),
    (r"^The header was read as a single column.*$", "Overskriften blev læst som én kolonne: er skilletegnet et andet end ';' eller ','?"),
    (r"^Save it again as 'CSV UTF-8' from Excel, or convert the line endings$", "Gem den igen som 'CSV UTF-8' fra Excel, eller konvertér linjeskiftene"),
    (r"^Is it a CSV file\?.*$", "Er det en CSV-fil? En hel fil på én linje skyldes ofte linjeskift, pejling ikke kan se, eller et anførselstegn, der aldrig lukkes"),
]  # fmt: skip
_LOCATION = [
    (r", column (\S+)$", r", kolonne \1"),
    (r": column '(.*)'$", r": kolonne '\1'"),
    (r"(\S) column '(.*)'$", r"\1 kolonne '\2'"),
    (r":1 column (\d+)$", r":1 kolonne \1"),
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
