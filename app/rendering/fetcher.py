"""A WeasyPrint URL fetcher that fetches nothing but the bundled fonts and inline images.

Print templates are filled with user text (subjects, names, recipients). Were any of it ever
rendered unescaped, WeasyPrint's default fetcher would read `file:///etc/passwd` into an image or
call an internal `http://` address from the server. This fetcher makes both impossible: it serves
exactly the four font files of `app.rendering.fonts`, its form-field faces (made in memory) and,
optionally, `data:` images, and refuses everything else without opening it.
"""
import base64
import logging
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.rendering.fonts import FIELD_FONT_SCHEME, field_font, field_font_urls, font_files

log = logging.getLogger(__name__)


class URLRefused(ValueError):
    """A resource URL the print renderer will not fetch.

    A plain (non-fatal) exception: WeasyPrint logs it and renders on without the resource.
    """


class RestrictedURLFetcher(URLFetcher):
    """Serve the allowed font files, the field faces and `data:image/…` URLs; refuse and record anything else.

    Use a new instance per render: `served` and `refused` record that render's requests.
    """

    def __init__(self, *, allowed_files: Iterable[Path] | None = None, allow_data_images: bool = True):
        # The parent's options matter only if its fetch() ran, which never happens: fetch() is
        # replaced below. They are set to the strictest values anyway.
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=False)
        files = font_files().values() if allowed_files is None else allowed_files
        self.allowed_files = frozenset(Path(path).resolve() for path in files)
        self.allow_data_images = allow_data_images
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower() if ":" in url else ""
        if scheme == "file":
            path = self._allowed_file(url)
            if path is not None:
                self.served.append(url)
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/otf"})
        elif scheme == FIELD_FONT_SCHEME and url in field_font_urls():
            self.served.append(url)
            return URLFetcherResponse(url, field_font(field_font_urls()[url]), {"Content-Type": "font/otf"})
        elif scheme == "data" and self.allow_data_images:
            media_type, body = _decode_data_url(url)
            if media_type.startswith("image/"):
                self.served.append(_short(url))
                return URLFetcherResponse(url, body, {"Content-Type": media_type})
        self.refused.append(_short(url))
        log.warning("print renderer refused to fetch %s", _short(url))
        raise URLRefused(f"refused to fetch {_short(url)}")

    def _allowed_file(self, url: str) -> Path | None:
        """The file's path if the URL names exactly one of the allowed files, else None."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
            return None
        # resolve() folds "..", "." and symlinks, so only the real font files compare equal.
        path = Path(url2pathname(parts.path)).resolve()
        return path if path in self.allowed_files else None


def _decode_data_url(url: str) -> tuple[str, bytes]:
    """(media type, body) of a `data:` URL (RFC 2397), decoded here so no urllib opener is used."""
    header, _, payload = url[len("data:"):].partition(",")
    params = [param.strip().lower() for param in header.split(";")]
    media_type = params[0] or "text/plain"
    raw = unquote_to_bytes(payload)
    if "base64" in params[1:]:
        try:
            raw = base64.b64decode(raw, validate=False)
        except ValueError:
            return "invalid", b""
    return media_type, raw


def _short(url: str) -> str:
    """The URL cut to a loggable length (data: URLs can be megabytes)."""
    return url if len(url) <= 120 else url[:117] + "..."
