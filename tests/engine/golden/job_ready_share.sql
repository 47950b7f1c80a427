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
    CAST(CASE WHEN "x"."_k3" THEN 1 ELSE 0 END AS DOUBLE) AS num,
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
      "p"."arrival_date",
      EXISTS(
        SELECT
          1
        FROM benefit_spells AS b
        JOIN periods AS pq
          ON "b"."start" <= "pq"."d"
          AND COALESCE("b"."end", CAST('9999-12-31' AS DATE)) >= "pq"."d"
        WHERE
          "b"."person_id" = "f"."person_id"
          AND "pq"."period" = "f"."period"
          AND "b"."benefit" IN ('integration_benefit', 'self_support_benefit')
      ) AS _k1,
      EXISTS(
        SELECT
          1
        FROM programme_spells AS g
        JOIN periods AS pq
          ON "g"."start" <= "pq"."d"
          AND COALESCE("g"."end", CAST('9999-12-31' AS DATE)) >= "pq"."d"
        WHERE
          "g"."person_id" = "f"."person_id" AND "pq"."period" = "f"."period"
      ) AS _k2,
      COALESCE(
        (
          SELECT
            ARG_MAX("j"."assessment", "j"."date")
          FROM job_readiness AS j
          WHERE
            "j"."person_id" = "f"."person_id" AND "j"."date" <= "f"."d"
        ) = 'job_ready',
        FALSE
      ) AS _k3
    FROM frame AS f
    JOIN persons AS p
      ON "p"."person_id" = "f"."person_id"
  ) AS x
  WHERE
    "x"."_k1" AND "x"."_k2"
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
