"""Failure notifications for check runs, sent as GX checkpoint actions.

Configured in ``$SHOPGOV_HOME/config/notifications.yaml`` (see
``governance/notifications.yaml`` for a commented example)::

    notify_on: failure          # failure | all | success | critical | warning | info
    webhook:
      - url: https://hooks.example.com/shopgov
        headers: {Authorization: "Bearer ${SHOPGOV_WEBHOOK_TOKEN}"}
    slack:
      - webhook: ${SLACK_WEBHOOK_URL}
    email:
      - {smtp_address: smtp.example.com, smtp_port: 587, use_tls: true,
         sender_login: bot@example.com, sender_password: "${SMTP_PASSWORD}",
         receiver_emails: "data-team@example.com"}

``${VAR}`` is replaced from the environment, so secrets stay out of the file. Slack and
email use GX's own ``SlackNotificationAction`` and ``EmailAction``; webhooks use
:class:`WebhookAction`, a GX ``ValidationAction`` that posts a JSON summary of counts
(never data values) and never fails the run when the endpoint is down.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any, Literal

import requests
import yaml
from great_expectations.checkpoint import EmailAction, SlackNotificationAction, ValidationAction

from .errors import ShopgovError
from .gx_private import NotifyOn, should_notify
from .privacy import scrub_text

log = logging.getLogger(__name__)
EXAMPLE_FILE = Path(__file__).with_name("notifications.yaml")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def summarize(checkpoint_result: Any) -> dict[str, Any]:
    """A small JSON-able summary of a GX ``CheckpointResult``: counts and ids, no values."""
    suites = []
    for ident, res in checkpoint_result.run_results.items():
        failed = []
        for r in res.results:
            if r.success:
                continue
            meta = r.expectation_config.meta or {}
            result = r.result or {}
            failed.append({
                "id": meta.get("id"), "type": r.expectation_config.type, "table": meta.get("table"),
                "column": meta.get("column"), "dimension": meta.get("dimension"),
                "severity": meta.get("severity"),
                "unexpected_count": result.get("unexpected_count", result.get("observed_value")
                                               if r.expectation_config.type == "unexpected_rows_expectation" else None),
                "element_count": result.get("element_count"),
                "error": bool((r.exception_info or {}).get("raised_exception")),
            })
        stats = res.statistics or {}
        suites.append({
            "suite": res.suite_name, "success": bool(res.success),
            "batch": scrub_text(str(getattr(ident, "batch_identifier", ""))),
            "evaluated": stats.get("evaluated_expectations"),
            "failed": stats.get("unsuccessful_expectations"), "failed_expectations": failed,
        })
    run_id = checkpoint_result.run_id
    return {
        "source": "shopgov", "event": "check_run", "run_id": getattr(run_id, "run_name", None),
        "run_time": str(getattr(run_id, "run_time", "")), "success": bool(checkpoint_result.success),
        "suites": suites,
    }


class WebhookAction(ValidationAction):
    """POST a JSON summary of the run (see :func:`summarize`) to ``url``."""

    type: Literal["shopgov_webhook"] = "shopgov_webhook"
    url: str
    headers: dict[str, str] = {}
    notify_on: NotifyOn = "failure"
    timeout: float = 10.0

    def run(self, checkpoint_result: Any, action_context: Any = None) -> dict:
        if not should_notify(self, checkpoint_result, self.notify_on):
            return {"webhook": "not required"}
        try:
            resp = requests.post(self.url, json=summarize(checkpoint_result), headers=self.headers,
                                 timeout=self.timeout)
            resp.raise_for_status()
        except requests.RequestException as e:
            log.warning("webhook notification to %s failed: %s", self.url, scrub_text(str(e)))
            return {"webhook": f"failed: {type(e).__name__}"}
        return {"webhook": f"sent ({resp.status_code})"}


def _expand(value: Any, where: str) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, where) for v in value]
    if isinstance(value, str):
        missing = [m for m in _ENV.findall(value) if m not in os.environ]
        if missing:
            raise ShopgovError(f"{where}: environment variable(s) not set: {', '.join(missing)}")
        return _ENV.sub(lambda m: os.environ[m.group(1)], value)
    return value


def load_actions(path: Path) -> list[ValidationAction]:
    """The GX actions configured in ``path`` (none if the file does not exist)."""
    if not path.exists():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ShopgovError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise ShopgovError(f"{path}: expected a mapping with webhook / slack / email lists")
    unknown = set(raw) - {"notify_on", "webhook", "slack", "email"}
    if unknown:
        raise ShopgovError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    default_on = raw.get("notify_on", "failure")
    actions: list[ValidationAction] = []
    for kind in ("webhook", "slack", "email"):
        entries = raw.get(kind) or []
        if isinstance(entries, dict):
            entries = [entries]
        for i, entry in enumerate(entries, 1):
            where = f"{path}: {kind} #{i}"
            if not isinstance(entry, dict):
                raise ShopgovError(f"{where}: expected a mapping")
            cfg = _expand({"notify_on": default_on, **entry}, where)
            name = cfg.pop("name", f"{kind}_{i}")
            try:
                if kind == "webhook":
                    actions.append(WebhookAction(name=name, **cfg))
                elif kind == "slack":
                    hook = cfg.pop("webhook", None)
                    actions.append(SlackNotificationAction(
                        name=name, slack_webhook=hook, show_failed_expectations=True, **cfg))
                else:
                    if isinstance(cfg.get("receiver_emails"), list):
                        cfg["receiver_emails"] = ",".join(cfg["receiver_emails"])
                    cfg["smtp_port"] = str(cfg.get("smtp_port", ""))
                    actions.append(EmailAction(name=name, **cfg))
            except Exception as e:  # pydantic validation errors
                raise ShopgovError(f"{where}: {scrub_text(str(e))}") from None
    return actions
