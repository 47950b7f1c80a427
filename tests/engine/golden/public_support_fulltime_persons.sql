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
  SELECT
    f.*
  FROM (
    SELECT
      r.pk,
      r.municipality,
      pr.period,
      pr.t,
      pr.y,
      LEAST(COALESCE(r."end", CAST('9999-12-31' AS DATE)), pr.pe, CAST('2024-12-31' AS DATE)) AS d,
      GREATEST(r.start, pr.ps) AS ws,
      LEAST(COALESCE(r."end", CAST('9999-12-31' AS DATE)), pr.pe, CAST('2024-12-31' AS DATE)) AS we,
      CAST(NULL AS TEXT) AS eo,
      "r"."birth_date",
      "r"."origin",
      "r"."western",
      "r"."menapt",
      "r"."sex",
      "r"."residence_basis",
      "r"."arrival_date",
      "r"."cell",
      "r"."w"
    FROM k_residence AS r
    JOIN periods AS pr
      ON r.start <= pr.pe AND COALESCE(r."end", CAST('9999-12-31' AS DATE)) >= pr.ps
    WHERE
      GREATEST(r.start, pr.ps) <= LEAST(COALESCE(r."end", CAST('9999-12-31' AS DATE)), pr.pe, CAST('2024-12-31' AS DATE))
  ) AS f
  WHERE
    (
      YEAR("f"."d") - YEAR("f"."birth_date") - CASE
        WHEN MONTH("f"."d") * 100 + DAY("f"."d") < MONTH("f"."birth_date") * 100 + DAY("f"."birth_date")
        THEN 1
        ELSE 0
      END
    ) BETWEEN 16 AND 66
), frame0 AS (
  SELECT
    r.pk,
    r.municipality,
    pr.period,
    pr.t,
    pr.y,
    LEAST(COALESCE(r."end", CAST('9999-12-31' AS DATE)), pr.pe, CAST('2024-12-31' AS DATE)) AS d,
    GREATEST(r.start, pr.ps) AS ws,
    LEAST(COALESCE(r."end", CAST('9999-12-31' AS DATE)), pr.pe, CAST('2024-12-31' AS DATE)) AS we,
    CAST(NULL AS TEXT) AS eo
  FROM residence_spells AS r
  JOIN periods AS pr
    ON r.start <= pr.pe AND COALESCE(r."end", CAST('9999-12-31' AS DATE)) >= pr.ps
  WHERE
    GREATEST(r.start, pr.ps) <= LEAST(COALESCE(r."end", CAST('9999-12-31' AS DATE)), pr.pe, CAST('2024-12-31' AS DATE))
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
    SUM(CASE WHEN rpk IS NULL THEN c ELSE 1 END) AS n
  FROM (
    SELECT
      municipality,
      period,
      t,
      y,
      cell,
      CASE WHEN rep THEN pk END AS rpk,
      SUM(num) AS num,
      SUM(den) AS den,
      COUNT(*) AS c
    FROM (
      SELECT
        "x"."municipality",
        "x"."period",
        "x"."t",
        "x"."y",
        "x"."cell",
        "x".pk,
        "x"."rep",
        CAST("x"."_v" AS DOUBLE) * "x"."w" AS num,
        CAST("x"."_b" AS DOUBLE) * "x"."w" AS den
      FROM (
        SELECT
          f.*,
          LEAST(f.we - f.ws + 1, COALESCE("rs1"."v", 0)) AS _v,
          (
            f.we - f.ws + 1
          ) AS _b,
          NOT "rr"."pk" IS NULL AS rep
        FROM frame AS f
        LEFT JOIN k_repeat_residents AS rr
          ON "rr"."pk" = "f".pk
        LEFT JOIN (
          SELECT
            "f".pk,
            "f"."ws",
            "f"."we",
            SUM(
              LEAST(COALESCE(b2."end", CAST('9999-12-31' AS DATE)), f.we) - GREATEST(b2.start, f.ws) + 1
            ) AS v
          FROM frame0 AS f
          JOIN benefit_spells AS b2
            ON b2.pk = f.pk
            AND b2.start <= f.we
            AND COALESCE(b2."end", CAST('9999-12-31' AS DATE)) >= f.ws
          GROUP BY
            "f".pk,
            "f"."ws",
            "f"."we"
        ) AS rs1
          ON rs1.pk = f.pk AND rs1.ws = f.ws AND rs1.we = f.we
      ) AS x
    ) AS rows
    WHERE
      NOT num IS NULL
    GROUP BY
      municipality,
      period,
      t,
      y,
      cell,
      rpk
  ) AS g
  GROUP BY
    municipality,
    period,
    t,
    y,
    cell
) AS cells
