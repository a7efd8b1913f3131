"""The central side of multi-site governance: trusted site keys, bundle import, the organisation view.

Sites send bundles (:mod:`governance.bundle`) holding only aggregates. A central home trusts
each site's Ed25519 public key (``config/trusted_sites.yaml``, written by ``shopgov sites
trust``) and imports bundles into ``site_bundles`` / ``site_domains`` / ``site_scores`` of its
results.duckdb, refusing unsigned, tampered, unknown-site, unknown-key and replayed ones
(:class:`~governance.bundle.BundleError`).

The organisation view follows DCMM's reading of an organisation: for every domain the
organisation's level is the *lowest* level among the sites' newest bundles (the weakest site
caps it), and the organisation's overall level is the lowest overall level of any site.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from .bundle import (
    BundleError,
    check_site_id,
    key_id,
    parse_public_key,
    public_key_text,
    read_bundle,
    verify,
)
from .config import Strict, load_model
from .errors import UsageError
from .paths import Home
from .results_schema import (
    ensure_schema,
    insert_sql,
    latest_site_bundles,
    latest_site_domains,
    site_bundles,
)
from .warehouse import atomic_write

TRUST_FILE = "trusted_sites.yaml"


class TrustedSite(Strict):
    public_key: str
    added_at: str = ""
    note: str = ""


class TrustFile(Strict):
    """``config/trusted_sites.yaml``: the sites whose bundles this home imports."""

    version: int = 1
    sites: dict[str, TrustedSite] = Field(default_factory=dict)


def trust_path(home: Home) -> Path:
    return home.config / TRUST_FILE


def trusted_sites(home: Home) -> dict[str, bytes]:
    """Site id -> trusted raw public key (empty when no site is trusted yet)."""
    path = trust_path(home)
    if not path.exists():
        return {}
    spec = load_model(path, TrustFile)
    out: dict[str, bytes] = {}
    for sid, site in spec.sites.items():
        try:
            out[check_site_id(sid)] = parse_public_key(site.public_key)
        except UsageError as e:
            raise UsageError(f"{path}: sites.{sid}: {e}") from None
    return out


def trust(home: Home, site_id: str, public_key: str, *, replace: bool = False, note: str = "") -> dict[str, Any]:
    """Trust ``site_id``'s key (``ed25519:<base64>``, a PEM, or a file holding either)."""
    check_site_id(site_id)
    candidate = Path(public_key)
    text = candidate.read_text(encoding="utf-8") if len(public_key) < 4096 and candidate.is_file() else public_key
    raw = parse_public_key(text)
    path = trust_path(home)
    spec = load_model(path, TrustFile) if path.exists() else TrustFile()
    current = spec.sites.get(site_id)
    if current is not None and parse_public_key(current.public_key) != raw and not replace:
        raise UsageError(f"site {site_id!r} is already trusted with key "
                         f"{key_id(parse_public_key(current.public_key))}; pass --replace to rotate it")
    sites = {k: v.model_dump() for k, v in spec.sites.items()}
    sites[site_id] = {"public_key": public_key_text(raw),
                      "added_at": datetime.now(UTC).replace(microsecond=0).isoformat(), "note": note}
    home.config.mkdir(parents=True, exist_ok=True)
    header = ("# Sites whose bundles this home imports (`shopgov sites trust SITE PUBKEY`).\n"
              "# A site prints its key with `shopgov sites key`.\n")
    path.write_text(header + yaml.safe_dump({"version": 1, "sites": sites}, sort_keys=True, allow_unicode=True),
                    encoding="utf-8")
    return {"site_id": site_id, "key_id": key_id(raw), "file": str(path), "replaced": current is not None}


def import_bundle(home: Home, path: Path) -> dict[str, Any]:
    """Verify the bundle at ``path`` and store it; raises :class:`BundleError` when refused."""
    env, data = read_bundle(path)
    header = env["header"]
    sid = header["site_id"]
    keys = trusted_sites(home)
    if sid not in keys:
        raise BundleError("unknown_site", f"site {sid!r} is not trusted by this home; run "
                          f"`shopgov sites trust {sid} <its public key>` first")
    body = verify(env, keys[sid])
    maturity = body.get("maturity") or {}
    run = body.get("check_run") or {}
    overall = maturity.get("overall") or {}
    with atomic_write(home, home.results) as con:
        con.execute("BEGIN")
        ensure_schema(con)
        seen = con.execute("SELECT max(sequence), count(*) FILTER (WHERE nonce = ?) FROM site_bundles "
                           "WHERE site_id = ?", [header["nonce"], sid]).fetchone()
        if seen[1] or (seen[0] is not None and header["sequence"] <= seen[0]):
            con.execute("ROLLBACK")
            raise BundleError("replayed", f"site {sid!r} bundle #{header['sequence']} is not newer than "
                              f"the last one imported (#{seen[0]})")
        seq = header["sequence"]
        con.execute(insert_sql("site_bundles"), [
            sid, seq, header["nonce"], header["key_id"], header["created_at"],
            datetime.now(UTC).replace(tzinfo=None), hashlib.sha256(data).hexdigest(), body.get("config_sha256"),
            "ciphertext" in env, header.get("epsilon"), run.get("run_id"), run.get("status"),
            maturity.get("assessment_id"), overall.get("level"), overall.get("score"),
            json.dumps(body, ensure_ascii=False)])
        domains = [[sid, seq, d.get("id"), d.get("name_en"), d.get("name_zh"), d.get("score"), d.get("level"),
                    d.get("target_level"), d.get("provisional")] for d in maturity.get("domains") or []]
        if domains:
            con.executemany(insert_sql("site_domains"), domains)
        scores = [[sid, seq, run.get("run_id"), s.get("table_name"), s.get("dimension"), s.get("checks_total"),
                   s.get("checks_passed"), s.get("pass_share"), s.get("row_weighted_pass_rate")]
                  for s in body.get("scores") or []]
        if scores:
            con.executemany(insert_sql("site_scores"), scores)
        con.execute("COMMIT")
    return {"site_id": sid, "sequence": seq, "created_at": header["created_at"], "key_id": header["key_id"],
            "encrypted": "ciphertext" in env, "epsilon": header.get("epsilon"),
            "check_status": run.get("status"), "overall_level": overall.get("level"),
            "domains": len(domains), "expectations": len(body.get("expectations") or [])}


def list_sites(home: Home) -> list[dict[str, Any]]:
    """Every trusted or imported site with its newest bundle's headline (no payload)."""
    latest = {b["site_id"]: b for b in latest_site_bundles(home)}
    counts: dict[str, int] = {}
    for b in site_bundles(home, limit=100_000):
        counts[b["site_id"]] = counts.get(b["site_id"], 0) + 1
    trusted = trusted_sites(home)
    out = []
    for sid in sorted(set(latest) | set(trusted)):
        b = latest.get(sid) or {}
        p = b.get("payload") or {}
        failed = sum(1 for e in p.get("expectations") or [] if not e.get("success"))
        out.append({
            "site_id": sid, "trusted": sid in trusted,
            "key_id": key_id(trusted[sid]) if sid in trusted else b.get("key_id"),
            "bundles": counts.get(sid, 0), "sequence": b.get("sequence"), "created_at": b.get("created_at"),
            "imported_at": b.get("imported_at"), "config_sha256": b.get("config_sha256"),
            "check_status": b.get("check_status"), "failed_checks": failed if b else None,
            "checks": len(p.get("expectations") or []) if b else None,
            "incidents_open": (sum(1 for i in p["incidents"] if i.get("status") != "resolved")
                               if p.get("incidents") is not None else None),
            "overall_level": b.get("overall_level"), "overall_score": b.get("overall_score"),
            "epsilon": b.get("epsilon"), "encrypted": b.get("encrypted"),
        })
    return out


def organisation_view(home: Home) -> dict[str, Any]:
    """Per domain, the organisation's level = the lowest level of any site (and who caps it)."""
    rows = latest_site_domains(home)
    sites = {b["site_id"]: b for b in latest_site_bundles(home)}
    domains: dict[str, dict[str, Any]] = {}
    for r in rows:
        d = domains.setdefault(r["domain_id"], {"id": r["domain_id"], "name_en": r["name_en"],
                                                "name_zh": r["name_zh"], "sites": {}})
        d["sites"][r["site_id"]] = {"level": r["level"], "score": r["score"], "provisional": r["provisional"],
                                    "target_level": r["target_level"]}
    out = []
    for d in domains.values():
        levels = {s: v["level"] for s, v in d["sites"].items() if v["level"] is not None}
        level = min(levels.values()) if levels else None
        out.append({**d, "level": level,
                    "capped_by": sorted(s for s, lv in levels.items() if lv == level) if levels else [],
                    "best_level": max(levels.values()) if levels else None,
                    "target_level": max((v["target_level"] or 0) for v in d["sites"].values()) or None,
                    "provisional": any(v["provisional"] for v in d["sites"].values())})
    overall = {s: b["overall_level"] for s, b in sites.items() if b.get("overall_level") is not None}
    org_level = min(overall.values()) if overall else None
    return {
        "sites": sorted(sites), "rule": "weakest site caps each domain and the overall level",
        "overall_level": org_level,
        "overall_capped_by": sorted(s for s, lv in overall.items() if lv == org_level) if overall else [],
        "site_levels": overall, "domains": out,
        "config_hashes": {s: b.get("config_sha256") for s, b in sites.items()},
    }
