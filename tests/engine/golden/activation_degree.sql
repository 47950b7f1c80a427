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
    r.pk,
    r.municipality,
    pr.period,
    pr.t,
    pr.y,
    LEAST(
      COALESCE(r."end", CAST('9999-12-31' AS DATE)),
      COALESCE(b."end", CAST('9999-12-31' AS DATE)),
      pr.pe,
      CAST('2024-12-31' AS DATE)
    ) AS d,
    GREATEST(r.start, b.start, pr.ps) AS ws,
    LEAST(
      COALESCE(r."end", CAST('9999-12-31' AS DATE)),
      COALESCE(b."end", CAST('9999-12-31' AS DATE)),
      pr.pe,
      CAST('2024-12-31' AS DATE)
    ) AS we,
    b.benefit AS eo,
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
  JOIN benefit_spells AS b
    ON b.pk = r.pk
    AND b.benefit IN ('integration_benefit', 'self_support_benefit')
    AND b.start <= pr.pe
    AND COALESCE(b."end", CAST('9999-12-31' AS DATE)) >= pr.ps
    AND b.start <= COALESCE(r."end", CAST('9999-12-31' AS DATE))
    AND COALESCE(b."end", CAST('9999-12-31' AS DATE)) >= r.start
  WHERE
    GREATEST(r.start, b.start, pr.ps) <= LEAST(
      COALESCE(r."end", CAST('9999-12-31' AS DATE)),
      COALESCE(b."end", CAST('9999-12-31' AS DATE)),
      pr.pe,
      CAST('2024-12-31' AS DATE)
    )
), frame0 AS (
  SELECT
    r.pk,
    r.municipality,
    pr.period,
    pr.t,
    pr.y,
    LEAST(
      COALESCE(r."end", CAST('9999-12-31' AS DATE)),
      COALESCE(b."end", CAST('9999-12-31' AS DATE)),
      pr.pe,
      CAST('2024-12-31' AS DATE)
    ) AS d,
    GREATEST(r.start, b.start, pr.ps) AS ws,
    LEAST(
      COALESCE(r."end", CAST('9999-12-31' AS DATE)),
      COALESCE(b."end", CAST('9999-12-31' AS DATE)),
      pr.pe,
      CAST('2024-12-31' AS DATE)
    ) AS we,
    b.benefit AS eo
  FROM residence_spells AS r
  JOIN periods AS pr
    ON r.start <= pr.pe AND COALESCE(r."end", CAST('9999-12-31' AS DATE)) >= pr.ps
  JOIN benefit_spells AS b
    ON b.pk = r.pk
    AND b.benefit IN ('integration_benefit', 'self_support_benefit')
    AND b.start <= pr.pe
    AND COALESCE(b."end", CAST('9999-12-31' AS DATE)) >= pr.ps
    AND b.start <= COALESCE(r."end", CAST('9999-12-31' AS DATE))
    AND COALESCE(b."end", CAST('9999-12-31' AS DATE)) >= r.start
  WHERE
    GREATEST(r.start, b.start, pr.ps) <= LEAST(
      COALESCE(r."end", CAST('9999-12-31' AS DATE)),
      COALESCE(b."end", CAST('9999-12-31' AS DATE)),
      pr.pe,
      CAST('2024-12-31' AS DATE)
    )
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
    COUNT(DISTINCT pk) AS n
  FROM (
    SELECT
      "x"."municipality",
      "x"."period",
      "x"."t",
      "x"."y",
      "x"."cell",
      "x".pk,
      CAST("x"."_v" AS DOUBLE) * "x"."w" AS num,
      CAST("x"."_b" AS DOUBLE) * "x"."w" AS den
    FROM (
      SELECT
        f.*,
        EXISTS(
          SELECT
            1
          FROM programme_spells AS g
          WHERE
            "g".pk = "f".pk
            AND (
              "g"."start" <= "f"."d"
              AND COALESCE("g"."end", CAST('9999-12-31' AS DATE)) >= "f"."d"
            )
        ) AS _k1,
        LEAST((
          f.we - f.ws + 1
        ) * 37 / 7.0, COALESCE("rs1"."v", 0)) AS _v,
        (
          f.we - f.ws + 1
        ) * 37 / 7.0 AS _b
      FROM frame AS f
      LEFT JOIN (
        SELECT
          "f".pk,
          "f"."ws",
          "f"."we",
          SUM(
            (
              LEAST(COALESCE(o."end", CAST('9999-12-31' AS DATE)), f.we) - GREATEST(o.start, f.ws) + 1
            ) * o.hours_per_week / 7.0
          ) AS v
        FROM (
          SELECT DISTINCT
            pk,
            ws,
            we
          FROM frame0
        ) AS f
        JOIN activation_offers AS o
          ON o.pk = f.pk
          AND o.start <= f.we
          AND COALESCE(o."end", CAST('9999-12-31' AS DATE)) >= f.ws
        GROUP BY
          "f".pk,
          "f"."ws",
          "f"."we"
      ) AS rs1
        ON rs1.pk = f.pk AND rs1.ws = f.ws AND rs1.we = f.we
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
