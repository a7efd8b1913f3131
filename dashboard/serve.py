"""``python -m dashboard.serve run app.py ...``: ``streamlit`` with one compatibility fix.

Streamlit 1.60's gzip middleware overrides the ``http.response.start`` branch of
Starlette's responders. Starlette 1.x sends the start message in that branch for
responses it will not compress (images, partial content, already encoded), so with
the override those responses lose their start message: ``/favicon.png`` answers 500
with ``Expected ASGI message 'http.response.start'`` tracebacks in the server log.
:func:`fix_uncompressed_responses` restores the send; it does nothing on a Starlette
whose responders send that message later, as Streamlit expects.
"""

from __future__ import annotations

import sys
from typing import Any


def fix_uncompressed_responses() -> bool:
    """Patch Streamlit's media-aware responders when Starlette needs it; True if patched."""
    from starlette.middleware import gzip
    from streamlit.web.server.starlette import starlette_gzip_middleware as sgm

    if "partial_response" not in gzip.IdentityResponder(None, 0).__dict__:  # older Starlette: nothing to fix
        return False

    def patched(base: type) -> Any:
        async def send_with_compression(self: Any, message: dict) -> None:
            if message["type"] != "http.response.start":
                await base.send_with_compression(self, message)
                return
            message.setdefault("headers", [])
            sgm._handle_response_start(self, message)
            self.partial_response = message.get("status") == 206
            if self.content_encoding_set or self.partial_response or self.content_type_is_excluded:
                await self.send(self.initial_message)

        return send_with_compression

    sgm._MediaAwareIdentityResponder.send_with_compression = patched(gzip.IdentityResponder)
    sgm._MediaAwareGZipResponder.send_with_compression = patched(gzip.GZipResponder)
    return True


def main(argv: list[str] | None = None) -> None:
    fix_uncompressed_responses()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *(sys.argv[1:] if argv is None else argv)]
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
