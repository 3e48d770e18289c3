"""Media types of output files, and whether deflating them is worth the time.

The release writer stores files that do not compress (images, archives, columnar formats,
random bytes) instead of spending CPU deflating them for nothing. The decision is made from
the name first and, when the name says nothing, from a quick trial compression of a small
sample. The table is fixed here (never the host's ``/etc/mime.types``) so every machine
decides the same way and writes the same bytes.
"""

from __future__ import annotations

import zlib

SAMPLE_BYTES = 64 * 1024
# Deflate only when the sample shrinks to at most this fraction of its size.
WORTH_DEFLATING = 0.9
OCTET_STREAM = "application/octet-stream"

# extension -> (media type, compresses well)
_TABLE: dict[str, tuple[str, bool]] = {
    "csv": ("text/csv", True),
    "tsv": ("text/tab-separated-values", True),
    "txt": ("text/plain", True),
    "log": ("text/plain", True),
    "md": ("text/markdown", True),
    "json": ("application/json", True),
    "jsonld": ("application/ld+json", True),
    "ndjson": ("application/x-ndjson", True),
    "xml": ("application/xml", True),
    "html": ("text/html", True),
    "htm": ("text/html", True),
    "svg": ("image/svg+xml", True),
    "yaml": ("application/yaml", True),
    "yml": ("application/yaml", True),
    "toml": ("application/toml", True),
    "r": ("text/x-r", True),
    "py": ("text/x-python", True),
    "sql": ("application/sql", True),
    "tex": ("application/x-tex", True),
    "rtf": ("application/rtf", True),
    "tar": ("application/x-tar", True),
    "sqlite": ("application/vnd.sqlite3", True),
    "duckdb": ("application/octet-stream", True),
    "pdf": ("application/pdf", False),
    "png": ("image/png", False),
    "jpg": ("image/jpeg", False),
    "jpeg": ("image/jpeg", False),
    "gif": ("image/gif", False),
    "webp": ("image/webp", False),
    "tif": ("image/tiff", False),
    "tiff": ("image/tiff", False),
    "zip": ("application/zip", False),
    "gz": ("application/gzip", False),
    "tgz": ("application/gzip", False),
    "bz2": ("application/x-bzip2", False),
    "xz": ("application/x-xz", False),
    "zst": ("application/zstd", False),
    "7z": ("application/x-7z-compressed", False),
    "parquet": ("application/vnd.apache.parquet", False),
    "arrow": ("application/vnd.apache.arrow.file", False),
    "feather": ("application/vnd.apache.arrow.file", False),
    "orc": ("application/x-orc", False),
    "avro": ("application/avro", False),
    "rds": ("application/x-rds", False),
    "rdata": ("application/x-rdata", False),
    "h5": ("application/x-hdf5", False),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", False),
    "odt": ("application/vnd.oasis.opendocument.text", False),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", False),
    "mp3": ("audio/mpeg", False),
    "mp4": ("video/mp4", False),
    "npz": ("application/x-npz", False),
}


def _extension(path: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    return name.rsplit(".", 1)[-1] if "." in name.lstrip(".") else ""


def media_type(path: str) -> str:
    """The media type of a file from its name (``application/octet-stream`` if unknown)."""
    known = _TABLE.get(_extension(path))
    return known[0] if known else OCTET_STREAM


def compresses_by_name(path: str) -> bool | None:
    """True or False when the name settles it, None when only the content can tell."""
    known = _TABLE.get(_extension(path))
    if known is None or known[0] == OCTET_STREAM:
        return None
    return known[1]


def sample_compresses(sample: bytes) -> bool:
    """Whether a quick level-1 deflate of ``sample`` saves at least 10 %."""
    if not sample:
        return False
    packed = zlib.compress(sample[:SAMPLE_BYTES], 1)
    return len(packed) <= WORTH_DEFLATING * len(sample[:SAMPLE_BYTES])


def should_deflate(path: str, sample: bytes) -> bool:
    """Deflate known text-like files; store known-compressed ones; otherwise try the sample."""
    by_name = compresses_by_name(path)
    if by_name is False:
        return False
    if len(sample) < 64:
        return False  # tiny files: deflate overhead outweighs any saving
    return sample_compresses(sample)
