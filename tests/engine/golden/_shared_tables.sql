-- k_persons
SELECT
  CAST(ROW_NUMBER() OVER () AS INT) AS pk,
  "p"."person_id",
  "p"."birth_date",
  "p"."sex",
  "p"."origin",
  "p"."country_of_origin",
  "p"."residence_basis",
  "p"."arrival_date",
  "p"."education_at_arrival",
  "p"."provenance",
  "p"."weight",
  "p"."western",
  "p"."menapt",
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
FROM persons AS p;
-- k_residence_spells
SELECT
  "k"."pk",
  "t"."municipality",
  "t"."start",
  "t"."end"
FROM residence_spells AS t
JOIN k_persons AS k
  ON "k"."person_id" = "t"."person_id";
-- k_programme_spells
SELECT
  "k"."pk",
  "t"."programme",
  "t"."municipality",
  "t"."start",
  "t"."planned_end",
  "t"."end"
FROM programme_spells AS t
JOIN k_persons AS k
  ON "k"."person_id" = "t"."person_id";
-- k_benefit_spells
SELECT
  "k"."pk",
  "t"."benefit",
  "t"."start",
  "t"."end"
FROM benefit_spells AS t
JOIN k_persons AS k
  ON "k"."person_id" = "t"."person_id";
-- k_employment_spells
SELECT
  "k"."pk",
  "t"."start",
  "t"."end",
  "t"."weekly_hours",
  "t"."kind"
FROM employment_spells AS t
JOIN k_persons AS k
  ON "k"."person_id" = "t"."person_id";
-- k_activation_offers
SELECT
  "k"."pk",
  "t"."offer",
  "t"."start",
  "t"."end",
  "t"."hours_per_week"
FROM activation_offers AS t
JOIN k_persons AS k
  ON "k"."person_id" = "t"."person_id";
-- k_danish_education
SELECT
  "k"."pk",
  "t"."track",
  "t"."start",
  "t"."end",
  "t"."modules_passed",
  "t"."final_test",
  "t"."test_date",
  "t"."result"
FROM danish_education AS t
JOIN k_persons AS k
  ON "k"."person_id" = "t"."person_id";
-- k_exam_grades
SELECT
  "k"."pk",
  "t"."exam_year",
  "t"."subject",
  "t"."grade"
FROM exam_grades AS t
JOIN k_persons AS k
  ON "k"."person_id" = "t"."person_id";
-- k_education_spells
SELECT
  "k"."pk",
  "t"."level",
  "t"."start",
  "t"."end",
  "t"."outcome"
FROM education_spells AS t
JOIN k_persons AS k
  ON "k"."person_id" = "t"."person_id";
-- k_job_readiness
SELECT
  "k"."pk",
  "t"."date",
  "t"."assessment"
FROM job_readiness AS t
JOIN k_persons AS k
  ON "k"."person_id" = "t"."person_id";
-- k_repeat_residents
SELECT
  pk
FROM (
  SELECT
    "r"."pk"
  FROM k_residence_spells AS r
  GROUP BY
    "r"."pk",
    "r"."municipality"
  HAVING
    COUNT(*) > 1
) AS m
GROUP BY
  pk;
-- cov_1
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
)
SELECT
  pk,
  BIT_OR(c1) AS c1,
  BIT_OR(c2) AS c2,
  BIT_OR(c3) AS c3,
  BIT_OR(c4) AS c4,
  BIT_OR(c5) AS c5,
  BIT_OR(c6) AS c6,
  BIT_OR(c7) AS c7,
  BIT_OR(c8) AS c8
FROM (
  SELECT
    "s".pk,
    CAST(1 AS BIGINT) << (
      s.y - 2022
    ) AS c1,
    CAST(0 AS BIGINT) AS c2,
    CAST(0 AS BIGINT) AS c3,
    CAST(0 AS BIGINT) AS c4,
    CAST(0 AS BIGINT) AS c5,
    CAST(0 AS BIGINT) AS c6,
    CAST(0 AS BIGINT) AS c7,
    CAST(0 AS BIGINT) AS c8
  FROM (
    SELECT
      "b".pk,
      "pq"."y"
    FROM k_benefit_spells AS b
    JOIN periods AS pq
      ON "b"."start" <= "pq"."d"
      AND COALESCE("b"."end", CAST('9999-12-31' AS DATE)) >= "pq"."d"
    WHERE
      "b"."benefit" IN ('integration_benefit', 'self_support_benefit')
  ) AS s
  UNION ALL
  SELECT
    "s".pk,
    CAST(0 AS BIGINT) AS c1,
    CAST(1 AS BIGINT) << (
      s.y - 2022
    ) AS c2,
    CAST(0 AS BIGINT) AS c3,
    CAST(0 AS BIGINT) AS c4,
    CAST(0 AS BIGINT) AS c5,
    CAST(0 AS BIGINT) AS c6,
    CAST(0 AS BIGINT) AS c7,
    CAST(0 AS BIGINT) AS c8
  FROM (
    SELECT
      "g".pk,
      "pq"."y"
    FROM k_programme_spells AS g
    JOIN periods AS pq
      ON "g"."start" <= "pq"."d"
      AND COALESCE("g"."end", CAST('9999-12-31' AS DATE)) >= "pq"."d"
  ) AS s
  UNION ALL
  SELECT
    "s".pk,
    CAST(0 AS BIGINT) AS c1,
    CAST(0 AS BIGINT) AS c2,
    CAST(1 AS BIGINT) << (
      s.y - 2022
    ) AS c3,
    CAST(0 AS BIGINT) AS c4,
    CAST(0 AS BIGINT) AS c5,
    CAST(0 AS BIGINT) AS c6,
    CAST(0 AS BIGINT) AS c7,
    CAST(0 AS BIGINT) AS c8
  FROM (
    SELECT
      "o".pk,
      "pq"."y"
    FROM k_activation_offers AS o
    JOIN periods AS pq
      ON "o"."start" <= "pq"."d"
      AND COALESCE("o"."end", CAST('9999-12-31' AS DATE)) >= "pq"."d"
    WHERE
      "o"."offer" IN ('company_internship', 'wage_subsidy', 'igu')
  ) AS s
  UNION ALL
  SELECT
    "s".pk,
    CAST(0 AS BIGINT) AS c1,
    CAST(0 AS BIGINT) AS c2,
    CAST(0 AS BIGINT) AS c3,
    CAST(1 AS BIGINT) << (
      s.y - 2022
    ) AS c4,
    CAST(0 AS BIGINT) AS c5,
    CAST(0 AS BIGINT) AS c6,
    CAST(0 AS BIGINT) AS c7,
    CAST(0 AS BIGINT) AS c8
  FROM (
    SELECT
      "e".pk,
      "pq"."y"
    FROM k_employment_spells AS e
    JOIN periods AS pq
      ON "e"."start" <= "pq"."d"
      AND COALESCE("e"."end", CAST('9999-12-31' AS DATE)) >= "pq"."d"
  ) AS s
  UNION ALL
  SELECT
    "s".pk,
    CAST(0 AS BIGINT) AS c1,
    CAST(0 AS BIGINT) AS c2,
    CAST(0 AS BIGINT) AS c3,
    CAST(0 AS BIGINT) AS c4,
    CAST(1 AS BIGINT) << (
      s.y - 2022
    ) AS c5,
    CAST(0 AS BIGINT) AS c6,
    CAST(0 AS BIGINT) AS c7,
    CAST(0 AS BIGINT) AS c8
  FROM (
    SELECT
      "j".pk,
      "pq"."y"
    FROM k_job_readiness AS j
    JOIN periods AS pq
      ON "j"."date" <= "pq"."d"
    GROUP BY
      "j".pk,
      "pq"."y"
    HAVING
      ARG_MAX("j"."assessment", "j"."date") = 'job_ready'
  ) AS s
  UNION ALL
  SELECT
    "s".pk,
    CAST(0 AS BIGINT) AS c1,
    CAST(0 AS BIGINT) AS c2,
    CAST(0 AS BIGINT) AS c3,
    CAST(0 AS BIGINT) AS c4,
    CAST(0 AS BIGINT) AS c5,
    CAST(1 AS BIGINT) << (
      s.y - 2022
    ) AS c6,
    CAST(0 AS BIGINT) AS c7,
    CAST(0 AS BIGINT) AS c8
  FROM (
    SELECT
      "b".pk,
      "pq"."y"
    FROM k_benefit_spells AS b
    JOIN periods AS pq
      ON "b"."start" <= "pq"."d"
      AND COALESCE("b"."end", CAST('9999-12-31' AS DATE)) >= "pq"."d"
    WHERE
      "b"."benefit" IN (
        'integration_benefit',
        'self_support_benefit',
        'cash_benefit',
        'education_benefit',
        'unemployment_insurance',
        'sickness_benefit',
        'flexjob',
        'disability_pension'
      )
  ) AS s
  UNION ALL
  SELECT
    "s".pk,
    CAST(0 AS BIGINT) AS c1,
    CAST(0 AS BIGINT) AS c2,
    CAST(0 AS BIGINT) AS c3,
    CAST(0 AS BIGINT) AS c4,
    CAST(0 AS BIGINT) AS c5,
    CAST(0 AS BIGINT) AS c6,
    CAST(1 AS BIGINT) << (
      s.y - 2022
    ) AS c7,
    CAST(0 AS BIGINT) AS c8
  FROM (
    SELECT
      "b".pk,
      "pq"."y"
    FROM k_benefit_spells AS b
    JOIN periods AS pq
      ON "b"."start" <= "pq"."d"
      AND COALESCE("b"."end", CAST('9999-12-31' AS DATE)) >= "pq"."d"
    WHERE
      "b"."benefit" IN ('unemployment_insurance')
  ) AS s
  UNION ALL
  SELECT
    "s".pk,
    CAST(0 AS BIGINT) AS c1,
    CAST(0 AS BIGINT) AS c2,
    CAST(0 AS BIGINT) AS c3,
    CAST(0 AS BIGINT) AS c4,
    CAST(0 AS BIGINT) AS c5,
    CAST(0 AS BIGINT) AS c6,
    CAST(0 AS BIGINT) AS c7,
    CAST(1 AS BIGINT) << (
      s.y - 2022
    ) AS c8
  FROM (
    SELECT
      "b".pk,
      "pq"."y"
    FROM k_benefit_spells AS b
    JOIN periods AS pq
      ON "b"."start" <= "pq"."d"
      AND COALESCE("b"."end", CAST('9999-12-31' AS DATE)) >= "pq"."d"
    WHERE
      "b"."benefit" IN ('cash_benefit', 'integration_benefit', 'self_support_benefit')
  ) AS s
) AS u
GROUP BY
  pk;
-- cov_3
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
)
SELECT
  pk,
  BIT_OR(c1) AS c1
FROM (
  SELECT
    "s".pk,
    CAST(1 AS BIGINT) << (
      s.y - 2022
    ) AS c1
  FROM (
    SELECT
      "g".pk,
      "pq"."y"
    FROM k_programme_spells AS g
    JOIN periods AS pq
      ON "g"."start" <= "pq"."d"
      AND COALESCE("g"."end", CAST('9999-12-31' AS DATE)) >= "pq"."d"
  ) AS s
) AS u
GROUP BY
  pk;
