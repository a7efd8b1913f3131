"""Failure notifications for check runs, sent as GX checkpoint actions.

Configured in ``$SHOPGOV_HOME/config/notifications.yaml`` (see
``governance/defaults/notifications.yaml`` for a commented example)::

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

import functools
import logging
import os
import re
from pathlib import Path
from typing import Any, Literal

import requests
from pydantic import Field, field_validator

from .config import DEFAULTS, Strict, load_model
from .errors import ShopgovError
from .paths import Home, get_home
from .privacy import scrub_text

log = logging.getLogger(__name__)
#: when to notify: GX's own ``checkpoint.actions.NotifyOn`` (tests/test_config.py checks they match),
#: spelled here so that validating notifications.yaml does not import GX (seconds per command)
NotifyOn = Literal["all", "success", "failure", "info", "warning", "critical"]
EXAMPLE_FILE = DEFAULTS / "notifications.yaml"
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def summarize(checkpoint_result: Any, home: Home | None = None) -> dict[str, Any]:
    """A small JSON-able summary of a GX ``CheckpointResult``: counts and ids, no values.

    With ``home``, ``incidents`` names what the run opens (``new``: expectation ids failing
    with no active incident) and closes (``resolved``: incident ids whose check passed).
    """
    suites = []
    failing: set[str] = set()
    passing: set[str] = set()
    for ident, res in checkpoint_result.run_results.items():
        failed = []
        for r in res.results:
            meta = r.expectation_config.meta or {}
            (passing if r.success else failing).add(str(meta.get("id")))
            if r.success:
                continue
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
    out = {
        "source": "shopgov", "event": "check_run", "run_id": getattr(run_id, "run_name", None),
        "run_time": str(getattr(run_id, "run_time", "")), "success": bool(checkpoint_result.success),
        "suites": suites,
    }
    if home is not None:
        from .incidents import changes_since_last_run
        out["incidents"] = changes_since_last_run(home, failing, passing)
    return out


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


class WebhookSpec(Strict):
    name: str | None = None
    url: str = Field(pattern=r"^(https?://|\$\{)")
    headers: dict[str, str] = Field(default_factory=dict)
    notify_on: NotifyOn | None = None
    timeout: float = Field(10.0, gt=0)


class SlackSpec(Strict):
    name: str | None = None
    webhook: str
    notify_on: NotifyOn | None = None


class EmailSpec(Strict):
    name: str | None = None
    smtp_address: str
    smtp_port: int | str
    sender_login: str | None = None
    sender_password: str | None = None
    sender_alias: str | None = None
    receiver_emails: str | list[str]
    use_tls: bool | None = None
    use_ssl: bool | None = None
    notify_on: NotifyOn | None = None


class NotificationsSpec(Strict):
    """``notifications.yaml``: when to notify and the channels (each a list, or one mapping)."""

    notify_on: NotifyOn = "failure"
    webhook: list[WebhookSpec] = Field(default_factory=list)
    slack: list[SlackSpec] = Field(default_factory=list)
    email: list[EmailSpec] = Field(default_factory=list)

    @field_validator("webhook", "slack", "email", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [] if v is None else [v] if isinstance(v, dict) else v


def load_notifications(path: Path) -> NotificationsSpec:
    """Validate a notifications file (errors name the file, key path and line)."""
    return load_model(path, NotificationsSpec)


@functools.cache
def webhook_action() -> type:
    """The GX action that POSTs a JSON summary of the run (built on first use: importing GX is slow)."""
    from great_expectations.checkpoint import ValidationAction

    from .gx_private import should_notify

    class WebhookAction(ValidationAction):
        """POST a JSON summary of the run (see :func:`summarize`) to ``url``."""

        type: Literal["shopgov_webhook"] = "shopgov_webhook"
        url: str
        headers: dict[str, str] = {}
        notify_on: NotifyOn = "failure"
        timeout: float = 10.0
        home: str | None = None  # the shopgov home: the summary then names new and resolved incidents

        def run(self, checkpoint_result: Any, action_context: Any = None) -> dict:
            if not should_notify(self, checkpoint_result, self.notify_on):
                return {"webhook": "not required"}
            try:
                resp = requests.post(self.url, json=summarize(checkpoint_result, get_home(self.home) if self.home else None), headers=self.headers,
                                     timeout=self.timeout)
                resp.raise_for_status()
            except requests.RequestException as e:
                log.warning("webhook notification to %s failed: %s", self.url, scrub_text(str(e)))
                return {"webhook": f"failed: {type(e).__name__}"}
            return {"webhook": f"sent ({resp.status_code})"}

    return WebhookAction


def load_actions(path: Path, home: Home | None = None) -> list[Any]:
    """The GX actions configured in ``path`` (none if the file does not exist).

    With ``home``, webhook summaries also name the run's new and resolved incidents.
    """
    if not path.exists():
        return []
    from great_expectations.checkpoint import EmailAction, SlackNotificationAction

    spec = load_notifications(path)
    actions: list[Any] = []
    for kind in ("webhook", "slack", "email"):
        for i, entry in enumerate(getattr(spec, kind), 1):
            where = f"{path}: {kind}[{i - 1}]"
            cfg = _expand(entry.model_dump(exclude_none=True), where)
            cfg.setdefault("notify_on", spec.notify_on)
            name = cfg.pop("name", f"{kind}_{i}")
            try:
                if kind == "webhook":
                    actions.append(webhook_action()(name=name, home=str(home.root) if home else None, **cfg))
                elif kind == "slack":
                    hook = cfg.pop("webhook", None)
                    actions.append(SlackNotificationAction(
                        name=name, slack_webhook=hook, show_failed_expectations=True, **cfg))
                else:
                    if isinstance(cfg.get("receiver_emails"), list):
                        cfg["receiver_emails"] = ",".join(cfg["receiver_emails"])
                    cfg["smtp_port"] = str(cfg.get("smtp_port", ""))
                    actions.append(EmailAction(name=name, **cfg))
            except Exception as e:  # GX's own validation of the action
                raise ShopgovError(f"{where}: {scrub_text(str(e))}") from None
    return actions
