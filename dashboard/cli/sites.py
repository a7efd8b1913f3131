"""Multi-site governance: ``bundle`` on a site, the ``sites`` group on the central home."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .common import CONTEXT_SETTINGS, HomeOption, JsonOption, console, resolve_home, run, write_json

SiteOption = Annotated[str | None, typer.Option(
    "--site", help="This site's id (recorded with its key on first use) [env: SHOPGOV_SITE].")]


def bundle_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="Bundle file to write (JSON).")],
    site: SiteOption = None,
    encrypt: Annotated[bool, typer.Option(
        "--encrypt", help="Encrypt the aggregates with the Fernet key in $SHOPGOV_BUNDLE_KEY.")] = False,
    epsilon: Annotated[float | None, typer.Option(
        "--epsilon", min=0.0, help="Add Laplace noise of scale 1/epsilon to every count (declared in the bundle).",
    )] = None,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Export this site's aggregates (no rows, samples or personal values), signed with the site's key.

    Holds the newest check run's counts and scores, incidents, the newest assessment's levels
    and indicators, and the configuration hash. Exit 0 when written.
    """

    def body() -> int:
        from governance.bundle import write_bundle

        h = resolve_home(home)
        info = write_bundle(h, output, site_id=site, epsilon=epsilon, encrypt=encrypt)
        console.print(f"wrote bundle #{info['sequence']} of site {info['site_id']} to {info['output']} "
                      f"({info['bytes']:,} bytes, key {info['key_id']}"
                      + (", encrypted" if info["encryption"] else "")
                      + (f", epsilon {info['epsilon']}" if info["epsilon"] is not None else "") + ")",
                      highlight=False)
        write_json(json_out, info)
        return 0

    run(body)


def key_cmd(site: SiteOption = None, home: HomeOption = None, json_out: JsonOption = None) -> None:
    """Print this site's id and public key (made on first use) for the central home to trust."""

    def body() -> int:
        from governance.bundle import site_identity

        ident = site_identity(resolve_home(home), site)
        typer.echo(f"{ident.site_id} {ident.public_text}")
        console.print(f"on the central home: shopgov sites trust {ident.site_id} {ident.public_text}",
                      highlight=False)
        write_json(json_out, {"site_id": ident.site_id, "key_id": ident.key_id, "public_key": ident.public_text})
        return 0

    run(body)


def trust_cmd(
    site: Annotated[str, typer.Argument(help="The site's id.")],
    pubkey: Annotated[str, typer.Argument(help="Its public key ('ed25519:<base64>', a PEM, or a file).")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace a key already trusted (rotation).")] = False,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Trust a site's signing key (config/trusted_sites.yaml)."""

    def body() -> int:
        from governance.sites import trust

        info = trust(resolve_home(home), site, pubkey, replace=replace)
        console.print(f"trusted site {info['site_id']} with key {info['key_id']} ({info['file']})", highlight=False)
        write_json(json_out, info)
        return 0

    run(body)


def import_cmd(
    file: Annotated[Path, typer.Argument(help="A bundle written by `shopgov bundle` on a site.")],
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Verify and store a site bundle; refuses unsigned, tampered, unknown-key and replayed ones (exit 3)."""

    def body() -> int:
        from governance.sites import import_bundle

        info = import_bundle(resolve_home(home), file)
        console.print(f"imported bundle #{info['sequence']} of site {info['site_id']}: checks {info['check_status']}, "
                      f"overall level {info['overall_level']}", highlight=False)
        write_json(json_out, info)
        return 0

    run(body)


def list_cmd(
    home: HomeOption = None,
    json_flag: Annotated[bool, typer.Option("--json", help="Print the sites and the organisation view as JSON.")] = False,
) -> None:
    """Each site's newest bundle, and the organisation's level per domain (the weakest site caps it)."""

    def body() -> int:
        from governance.sites import list_sites, organisation_view

        h = resolve_home(home)
        sites, org = list_sites(h), organisation_view(h)
        if json_flag:
            write_json("-", {"sites": sites, "organisation": org})
            return 0
        t = Table(title=f"Sites ({len(sites)})", title_justify="left")
        for col in ("site", "trusted", "bundles", "last bundle", "checks", "failed", "overall level", "epsilon"):
            t.add_column(col)
        for s in sites:
            t.add_row(s["site_id"], "yes" if s["trusted"] else "no", str(s["bundles"]),
                      f"#{s['sequence']} {s['created_at']}" if s["sequence"] else "—",
                      str(s["checks"] or "—"), str(s["failed_checks"] if s["failed_checks"] is not None else "—"),
                      f"L{s['overall_level']}" if s["overall_level"] is not None else "—",
                      str(s["epsilon"] or "—"))
        console.print(t)
        if org["domains"]:
            o = Table(title=f"Organisation: overall L{org['overall_level']} "
                            f"(capped by {', '.join(org['overall_capped_by'])})", title_justify="left")
            for col in ("domain", "level", "capped by", *org["sites"]):
                o.add_column(col)
            for d in org["domains"]:
                o.add_row(f"{d['name_zh']} {d['name_en']}", f"L{d['level']}", ", ".join(d["capped_by"]),
                          *[f"L{d['sites'][s]['level']}" if s in d["sites"] else "—" for s in org["sites"]])
            console.print(o)
        return 0

    run(body)


def register(app: typer.Typer) -> None:
    """``bundle`` and the ``sites`` group."""
    app.command("bundle")(bundle_cmd)
    sites = typer.Typer(help="Multi-site governance: site keys, trusted sites, bundle import, organisation view.",
                        no_args_is_help=True, context_settings=CONTEXT_SETTINGS)
    sites.command("key")(key_cmd)
    sites.command("trust")(trust_cmd)
    sites.command("import")(import_cmd)
    sites.command("list")(list_cmd)
    app.add_typer(sites, name="sites")
