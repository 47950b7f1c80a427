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
    r.pk,
    r.municipality,
    pr.period,
    pr.t,
    pr.y,
    pr.d AS d,
    CAST(NULL AS DATE) AS ws,
    CAST(NULL AS DATE) AS we,
    CAST(NULL AS TEXT) AS eo,
    "r"."birth_date",
    "r"."origin",
    "r"."western",
    "r"."menapt",
    "r"."sex",
    "r"."residence_basis",
    "r"."arrival_date",
    "r"."cell",
    "r"."w",
    "r"."c1",
    "r"."c2",
    "r"."c5"
  FROM k_residence_cov_1 AS r
  JOIN periods AS pr
    ON r.start <= pr.d AND COALESCE(r."end", CAST('9999-12-31' AS DATE)) >= pr.d
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
      CAST(CASE WHEN "x"."_k3" THEN 1 ELSE 0 END AS DOUBLE) * "x"."w" AS num,
      CAST(1 AS DOUBLE) * "x"."w" AS den
    FROM (
      SELECT
        f.*,
        COALESCE((
          (
            "f"."c1" >> "f"."y" - 2022
          ) & 1
        ) = 1, FALSE) AS _k1,
        COALESCE((
          (
            "f"."c2" >> "f"."y" - 2022
          ) & 1
        ) = 1, FALSE) AS _k2,
        COALESCE((
          (
            "f"."c5" >> "f"."y" - 2022
          ) & 1
        ) = 1, FALSE) AS _k3
      FROM frame AS f
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
    cell
) AS cells
