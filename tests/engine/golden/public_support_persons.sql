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
), person_cells AS (
  SELECT
    p.*,
    (
      (
        (
          (
            CASE p.origin WHEN 'danish_origin' THEN 0 WHEN 'immigrant' THEN 1 ELSE 2 END * 3 + CASE WHEN p.origin = 'danish_origin' THEN 0 WHEN p.western THEN 1 ELSE 2 END
          ) * 2 + CASE WHEN COALESCE(p.menapt, FALSE) THEN 1 ELSE 0 END
        ) * 2 + CASE
          WHEN COALESCE(
            p.origin = 'immigrant'
            AND (
              YEAR("p"."arrival_date") - YEAR("p"."birth_date") - CASE
                WHEN MONTH("p"."arrival_date") * 100 + DAY("p"."arrival_date") < MONTH("p"."birth_date") * 100 + DAY("p"."birth_date")
                THEN 1
                ELSE 0
              END
            ) <= 12,
            FALSE
          )
          THEN 1
          ELSE 0
        END
      ) * 2 + CASE WHEN p.sex = 'f' THEN 1 ELSE 0 END
    ) * 8 + COALESCE(
      LIST_POSITION(
        [
          'refugee',
          'reunified_refugee',
          'reunified_other',
          'work',
          'study',
          'eu',
          'other'
        ],
        p.residence_basis
      ),
      0
    ) AS cell,
    CAST(COALESCE(p.weight, 1) AS DOUBLE) AS w
  FROM persons AS p
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
      CAST(1 AS DOUBLE) * "x"."w" AS num,
      CAST(1 AS DOUBLE) * "x"."w" AS den
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
        "p"."cell",
        "p"."w",
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
            AND "b"."benefit" IN (
              'integration_benefit',
              'self_support_benefit',
              'cash_benefit',
              'education_benefit',
              'unemployment_insurance',
              'sickness_benefit',
              'flexjob',
              'disability_pension'
            )
        ) AS _k1
      FROM frame AS f
      JOIN person_cells AS p
        ON "p"."person_id" = "f"."person_id"
      WHERE
        (
          YEAR("f"."d") - YEAR("p"."birth_date") - CASE
            WHEN MONTH("f"."d") * 100 + DAY("f"."d") < MONTH("p"."birth_date") * 100 + DAY("p"."birth_date")
            THEN 1
            ELSE 0
          END
        ) BETWEEN 16 AND 66
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
