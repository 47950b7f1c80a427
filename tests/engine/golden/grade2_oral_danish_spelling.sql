WITH periods AS (
  SELECT
    *
  FROM (VALUES
    (
      '2022',
      2022.0,
      2022,
      CAST('2022-12-31' AS DATE),
      CAST('2022-01-01' AS DATE),
      CAST('2022-12-31' AS DATE)
    ),
    (
      '2023',
      2023.0,
      2023,
      CAST('2023-12-31' AS DATE),
      CAST('2023-01-01' AS DATE),
      CAST('2023-12-31' AS DATE)
    ),
    (
      '2024',
      2024.0,
      2024,
      CAST('2024-12-31' AS DATE),
      CAST('2024-01-01' AS DATE),
      CAST('2024-12-31' AS DATE)
    )) AS periods(period, t, y, d, ps, pe)
), frame AS (
  WITH ev AS (
    SELECT DISTINCT
      pk,
      MAKE_DATE(exam_year, 6, 30) AS e,
      MAKE_DATE(exam_year, 1, 1) AS ws,
      MAKE_DATE(exam_year, 6, 30) AS we,
      CAST(NULL AS TEXT) AS eo,
      CAST(NULL AS SMALLINT) AS municipality
    FROM exam_grades
  )
  SELECT
    ev.pk,
    COALESCE(ev.municipality, r.municipality) AS municipality,
    pr.period,
    pr.t,
    pr.y,
    ev.e AS d,
    ev.ws,
    ev.we,
    ev.eo,
    "r"."birth_date",
    "r"."origin",
    "r"."western",
    "r"."menapt",
    "r"."sex",
    "r"."residence_basis",
    "r"."arrival_date",
    "r"."cell",
    "r"."w"
  FROM ev
  JOIN periods AS pr
    ON YEAR(ev.e) = pr.y
  LEFT JOIN k_residence AS r
    ON r.pk = ev.pk
    AND r.start <= ev.e
    AND COALESCE(r."end", CAST('9999-12-31' AS DATE)) >= ev.e
  WHERE
    ev.e <= CAST('2024-12-31' AS DATE)
    AND ev.we <= CAST('2024-12-31' AS DATE)
    AND NOT COALESCE(ev.municipality, r.municipality) IS NULL
)
SELECT
  municipality,
  period,
  t,
  y,
  ['danish_origin', 'immigrant', 'descendant'][cell // 192 + 1] AS origin,
  ['dk', 'w', 'nw'][cell // 64 % 3 + 1] AS wcat,
  cell // 32 % 2 = 1 AS menapt,
  cell // 16 % 2 = 1 AS a012,
  ['m', 'f'][cell // 8 % 2 + 1] AS sex,
  [
    '-',
    'refugee',
    'reunified_refugee',
    'reunified_other',
    'work',
    'study',
    'eu',
    'other'
  ][cell % 8 + 1] AS basis,
  num,
  den,
  n
FROM (
  SELECT
    municipality,
    period,
    t,
    y,
    cell,
    SUM(num) AS num,
    SUM(den) AS den,
    COUNT(*) AS n
  FROM (
    SELECT
      "x"."municipality",
      "x"."period",
      "x"."t",
      "x"."y",
      "x"."cell",
      CAST(CASE WHEN "x"."_k2" THEN 1 ELSE 0 END AS DOUBLE) * "x"."w" AS num,
      CAST(1 AS DOUBLE) * "x"."w" AS den
    FROM (
      SELECT
        f.*,
        EXISTS(
          SELECT
            1
          FROM exam_grades AS x
          WHERE
            "x".pk = "f".pk
            AND "x"."exam_year" = YEAR("f"."d")
            AND "x"."subject" = 'danish_oral'
        )
        AND EXISTS(
          SELECT
            1
          FROM exam_grades AS x
          WHERE
            "x".pk = "f".pk AND "x"."exam_year" = YEAR("f"."d") AND "x"."subject" = 'spelling'
        ) AS _k1,
        EXISTS(
          SELECT
            1
          FROM exam_grades AS x
          WHERE
            "x".pk = "f".pk
            AND "x"."exam_year" = YEAR("f"."d")
            AND "x"."subject" = 'danish_oral'
            AND CAST("x"."grade" AS INT) >= 2.0
        )
        AND EXISTS(
          SELECT
            1
          FROM exam_grades AS x
          WHERE
            "x".pk = "f".pk
            AND "x"."exam_year" = YEAR("f"."d")
            AND "x"."subject" = 'spelling'
            AND CAST("x"."grade" AS INT) >= 2.0
        ) AS _k2
      FROM frame AS f
    ) AS x
    WHERE
      "x"."_k1"
  ) AS rows
  WHERE
    NOT num IS NULL
  GROUP BY
    municipality,
    period,
    t,
    y,
    cell
) AS cells
