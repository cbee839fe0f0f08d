"""Analytics pages: RFM, cohorts, predictions and model quality, from the latest model run."""

from __future__ import annotations

from flask import g, jsonify
from flask.typing import ResponseReturnValue

from xsight.blueprints.api import bp
from xsight.blueprints.api.params import whole_number
from xsight.services import insights
from xsight.services.access_log import record_customer_data

MAX_MONTHS = 120


@bp.get("/analytics/rfm")
def get_rfm() -> ResponseReturnValue:
    """Return RFM group sizes, shares, average net sales and recency, and the R x FM grid."""
    return jsonify(insights.rfm_overview(g.shop.id))


@bp.get("/analytics/cohorts")
def get_cohorts() -> ResponseReturnValue:
    """Return first-order-month cohorts: sizes, retention (null when censored), cumulative net sales."""
    months = whole_number("months", 12, 1, MAX_MONTHS)
    return jsonify(insights.cohort_overview(g.shop.id, months))


@bp.get("/analytics/predictions")
def get_predictions() -> ResponseReturnValue:
    """Return P(alive) and CLV distributions, churn-risk bands and valuable customers at risk."""
    body, people = insights.prediction_overview(g.shop.id)
    record_customer_data(people)
    return jsonify(body)


@bp.get("/analytics/model-quality")
def get_model_quality() -> ResponseReturnValue:
    """Return the holdout check: predicted vs actual repeat orders next to a naive baseline."""
    return jsonify(insights.model_quality(g.shop.id))
