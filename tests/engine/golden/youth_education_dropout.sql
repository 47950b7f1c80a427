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
    SELECT
      person_id,
      start AS e,
      start AS ws,
      CAST(start + TO_MONTHS(12) - INTERVAL '1' DAY AS DATE) AS we,
      CASE
        WHEN outcome = 'dropped_out' AND "end" < start + TO_MONTHS(12)
        THEN 'dropped_out'
        ELSE 'not_dropped_out'
      END AS eo,
      CAST(NULL AS SMALLINT) AS municipality
    FROM education_spells
    WHERE
      level = 'youth'
  )
  SELECT
    ev.person_id,
    COALESCE(ev.municipality, r.municipality) AS municipality,
    pr.period,
    pr.t,
    pr.y,
    ev.e AS d,
    ev.ws,
    ev.we,
    ev.eo
  FROM ev
  JOIN periods AS pr
    ON YEAR(ev.e) = pr.y
  LEFT JOIN residence_spells AS r
    ON r.person_id = ev.person_id
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
  origin,
  wcat,
  menapt,
  a012,
  sex,
  basis,
  SUM(num) AS num,
  SUM(den) AS den
FROM (
  SELECT
    "x"."municipality",
    "x"."period",
    "x"."t",
    "x"."y",
    "x"."origin" AS origin,
    CASE
      WHEN "x"."origin" = 'danish_origin'
      THEN 'dk'
      WHEN "x"."western"
      THEN 'w'
      ELSE 'nw'
    END AS wcat,
    COALESCE("x"."menapt", FALSE) AS menapt,
    COALESCE(
      "x"."origin" = 'immigrant'
      AND (
        YEAR("x"."arrival_date") - YEAR("x"."birth_date") - CASE
          WHEN MONTH("x"."arrival_date") * 100 + DAY("x"."arrival_date") < MONTH("x"."birth_date") * 100 + DAY("x"."birth_date")
          THEN 1
          ELSE 0
        END
      ) <= 12,
      FALSE
    ) AS a012,
    "x"."sex" AS sex,
    COALESCE("x"."residence_basis", '-') AS basis,
    CAST(CASE WHEN "x"."eo" IN ('dropped_out') THEN 1 ELSE 0 END AS DOUBLE) AS num,
    CAST(1 AS DOUBLE) AS den
  FROM (
    SELECT
      f.*,
      "p"."birth_date",
      "p"."origin",
      "p"."western",
      "p"."menapt",
      "p"."sex",
      "p"."residence_basis",
      "p"."arrival_date"
    FROM frame AS f
    JOIN persons AS p
      ON "p"."person_id" = "f"."person_id"
  ) AS x
) AS rows
WHERE
  NOT num IS NULL
GROUP BY
  municipality,
  period,
  t,
  y,
  origin,
  wcat,
  menapt,
  a012,
  sex,
  basis
