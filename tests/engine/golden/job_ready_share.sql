WITH periods AS (
  SELECT
    *
  FROM (VALUES
    (
      '2022',
      2022.0,
      2022,
      CAST('2022-11-30' AS DATE),
      CAST('2022-01-01' AS DATE),
      CAST('2022-12-31' AS DATE)
    ),
    (
      '2023',
      2023.0,
      2023,
      CAST('2023-11-30' AS DATE),
      CAST('2023-01-01' AS DATE),
      CAST('2023-12-31' AS DATE)
    ),
    (
      '2024',
      2024.0,
      2024,
      CAST('2024-11-30' AS DATE),
      CAST('2024-01-01' AS DATE),
      CAST('2024-12-31' AS DATE)
    )) AS periods(period, t, y, d, ps, pe)
), frame AS (
  SELECT
    r.person_id,
    r.municipality,
    pr.period,
    pr.t,
    pr.y,
    pr.d AS d,
    CAST(NULL AS DATE) AS ws,
    CAST(NULL AS DATE) AS we,
    CAST(NULL AS TEXT) AS eo
  FROM residence_spells AS r
  JOIN periods AS pr
    ON r.start <= pr.d AND COALESCE(r."end", CAST('9999-12-31' AS DATE)) >= pr.d
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
    "f"."municipality",
    "f"."period",
    "f"."t",
    "f"."y",
    "p"."origin" AS origin,
    CASE WHEN p.origin = 'danish_origin' THEN 'dk' WHEN p.western THEN 'w' ELSE 'nw' END AS wcat,
    COALESCE("p"."menapt", FALSE) AS menapt,
    COALESCE(
      "p"."origin" = 'immigrant'
      AND (
        YEAR("p"."arrival_date") - YEAR("p"."birth_date") - CASE
          WHEN MONTH("p"."arrival_date") * 100 + DAY("p"."arrival_date") < MONTH("p"."birth_date") * 100 + DAY("p"."birth_date")
          THEN 1
          ELSE 0
        END
      ) <= 12,
      FALSE
    ) AS a012,
    "p"."sex" AS sex,
    COALESCE("p"."residence_basis", '-') AS basis,
    CAST(CASE
      WHEN COALESCE(
        (
          SELECT
            ARG_MAX("j"."assessment", "j"."date")
          FROM job_readiness AS j
          WHERE
            "j"."person_id" = "f"."person_id" AND "j"."date" <= "f"."d"
        ) = 'job_ready',
        FALSE
      )
      THEN 1
      ELSE 0
    END AS DOUBLE) AS num,
    CAST(1 AS DOUBLE) AS den
  FROM frame AS f
  JOIN persons AS p
    ON "p"."person_id" = "f"."person_id"
  WHERE
    EXISTS(
      SELECT
        1
      FROM benefit_spells AS b
      WHERE
        "b"."person_id" = "f"."person_id"
        AND (
          "b"."start" <= "f"."d"
          AND COALESCE("b"."end", CAST('9999-12-31' AS DATE)) >= "f"."d"
        )
        AND "b"."benefit" IN ('integration_benefit', 'self_support_benefit')
    )
    AND EXISTS(
      SELECT
        1
      FROM programme_spells AS g
      WHERE
        "g"."person_id" = "f"."person_id"
        AND (
          "g"."start" <= "f"."d"
          AND COALESCE("g"."end", CAST('9999-12-31' AS DATE)) >= "f"."d"
        )
    )
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
