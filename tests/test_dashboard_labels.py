"""The "Label listings" page: least certain titles first; analysts' labels land in results.duckdb and the audit log.

The home is the shared dashboard fixture (tests/dashboard_fixture.py: one listing run, threshold
0.5, stored scores); no model is trained or loaded here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import DASH_PASSWORD
from dashboard_fixture import SECRET_PHONE
from streamlit.testing.v1 import AppTest

from assess.listing.labels import labels_frame, uncertain_flags
from dashboard import audit, i18n
from governance.access import load_policy

# fixture scores vs threshold 0.5: p6 0.47, p2 0.71, p4 0.21, p5 0.12, p1 0.08, p3 0.93 (p7 has no title)
MOST_UNCERTAIN_FIRST = ["p6", "p2", "p4", "p5", "p1", "p3"]


def login(name: str) -> AppTest:
    at = AppTest.from_file("dashboard/app.py", default_timeout=60).run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(DASH_PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def labelled(home) -> list[dict]:
    """The audit records of labels, oldest first."""
    return [r for r in audit.read_audit(home) if r["action"] == "label_listing"]


def open_labels(at: AppTest) -> AppTest:
    at.switch_page("pages/labels.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_viewers_may_not_open_the_page(served):
    policy = load_policy(served)
    assert [r for r in ("viewer", "analyst", "admin") if policy.can_see_page(r, "labels")] == ["analyst", "admin"]
    at = open_labels(login("viewer1"))
    assert any("may not open" in e.value for e in at.error)
    assert len(at.dataframe) == 0 and not any((b.key or "").startswith("lbl_") for b in at.button)
    assert labels_frame(served).empty
    for key in ("nav.labels", "actions.label_listings", "labels.title", "labels.confirm"):
        assert i18n.translate(key, "en") != key and i18n.translate(key, "zh") != i18n.translate(key, "en")


def test_queue_is_most_uncertain_first_and_masked(served):
    queue = uncertain_flags(served)
    assert queue["product_id"].tolist() == MOST_UNCERTAIN_FIRST  # |score - 0.5|; the untitled p7 is left out
    at = open_labels(login("admin1"))
    assert not at.error
    shown = at.dataframe[0].value
    assert shown.iloc[:, 1].tolist()[:3] == ["Socks", "Call [phone] now", "Phone case"]
    assert SECRET_PHONE not in shown.to_csv()
    assert at.selectbox(key="lbl_pick").value == "p6"
    assert any(r["action"] == "view_label_queue" and r["user"] == "admin1" for r in audit.read_audit(served))


def test_analyst_labels_the_most_uncertain_title(served):
    at = open_labels(login("analyst1"))
    before = datetime.now(UTC).replace(tzinfo=None)
    at.button(key="lbl_reject").click().run()
    assert not at.exception and not at.error
    stored = labels_frame(served).set_index("product_id")
    assert list(stored.index) == ["p6"]
    row = stored.loc["p6"]
    assert (row["verdict"], row["labelled_by"], row["clarity"], row["conciseness"]) == ("reject", "analyst1", 1, 1)
    assert before <= row["labelled_at"].to_pydatetime() <= datetime.now(UTC).replace(tzinfo=None)
    assert row["model_version"] == "bert-test" and abs(row["low_quality_score"] - 0.47) < 1e-9
    [rec] = labelled(served)
    assert (rec["user"], rec["role"], rec["target"]) == ("analyst1", "analyst", "p6")
    assert rec["detail"]["verdict"] == "reject" and rec["detail"]["label_id"] == row["label_id"]

    # the labelled title leaves the queue; the next one is relabelled by hand (not clear ⇒ not concise)
    assert at.selectbox(key="lbl_pick").value == "p2"
    at.radio(key="lbl_clarity").set_value(0)
    at.radio(key="lbl_conciseness").set_value(1)
    at.button(key="FormSubmitter:lbl_form-" + i18n.translate("labels.save")).click().run()
    assert not at.exception and not at.error
    p2 = labels_frame(served).set_index("product_id").loc["p2"]
    assert (p2["verdict"], p2["clarity"], p2["conciseness"], p2["labelled_by"]) == ("relabel", 0, 0, "analyst1")
    assert [(r["target"], r["detail"]["verdict"]) for r in labelled(served)] == [("p6", "reject"), ("p2", "relabel")]
    assert at.selectbox(key="lbl_pick").value == "p4"
    assert uncertain_flags(served)["product_id"].tolist() == MOST_UNCERTAIN_FIRST[2:]
