-- The waves that hold submissions, each with its reference date (the date the covariates are
-- measured at: mandate in force, span, forced transfers, tokens) and its order.
-- The reference date is the day the wave opens, so everything measured "before the wave" is
-- known before anyone answered it.
WITH waves AS (
    SELECT w.wave_id, w.opens_on AS ref_date
    FROM stg_survey_waves AS w
    WHERE EXISTS (SELECT 1 FROM stg_survey_submissions AS s WHERE s.wave_id = w.wave_id)
),

final AS (
    SELECT wave_id, ref_date, dense_rank() OVER (ORDER BY ref_date) AS wave_seq
    FROM waves
)

SELECT * FROM final
