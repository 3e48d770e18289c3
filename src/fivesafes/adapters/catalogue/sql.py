"""Reads a source's catalogue by SQL inspection (SQLAlchemy), and finds the source's URL.

The URL comes from an environment variable whose NAME ``access.toml`` gives
(``credentials.secrets.url``): the request names secrets, the TRE holds them. A SQLite source
needs no secret: without the variable, ``source.database`` is a file under the TRE's data
folder (``--data-dir`` or ``FIVESAFES_DATA_DIR``), opened read-only. Error messages name the
variable and the source, never the URL, which may carry a password or a host name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the extract's ADBC path never loads SQLAlchemy
    import sqlalchemy as sa

from fivesafes.core.request.catalogue import Catalogue, ColumnInfo, TableInfo
from fivesafes.models.access import AccessFile

DATA_DIR_ENV = "FIVESAFES_DATA_DIR"


class SourceUnavailable(Exception):
    """The source cannot be reached or read; the message says what to set."""


class DataFolderMissing(SourceUnavailable):
    """No TRE data folder was given, or it does not exist: a usage error, not an outage."""


def sqlite_path(access: AccessFile, data_dir: Path | None) -> Path:
    """The SQLite file of a ``type = "sqlite"`` source, inside the TRE data folder."""
    source = access.source
    if not source.database:
        raise SourceUnavailable(f"source '{source.name}' names no database file; set "
                                "source.database in resources/access/access.toml")
    relative = PurePosixPath(source.database)
    if relative.is_absolute() or ".." in relative.parts:
        raise SourceUnavailable(f"source '{source.name}': database must be a path inside the TRE "
                                "data folder (no leading / and no ..)")
    folder = data_dir or (Path(os.environ[DATA_DIR_ENV]) if os.environ.get(DATA_DIR_ENV) else None)
    if folder is None:
        raise DataFolderMissing(f"source '{source.name}': give --data-dir or set {DATA_DIR_ENV} "
                                "to the folder that holds the SQLite file")
    if not folder.is_dir():
        raise DataFolderMissing(f"source '{source.name}': the data folder {folder} does not "
                                f"exist; give --data-dir or set {DATA_DIR_ENV} to the folder "
                                "that holds the SQLite file")
    path = folder.resolve() / relative
    if not path.is_file():
        raise SourceUnavailable(f"source '{source.name}': no database file '{source.database}' "
                                "in the data folder")
    return path


def url_secret(access: AccessFile) -> str | None:
    return access.credentials.secrets.get("url")


def source_url(access: AccessFile, env: Mapping[str, str], data_dir: Path | None) -> str:
    """The SQLAlchemy URL of the source (a secret: never print or record it)."""
    name = url_secret(access)
    if name and env.get(name):
        return env[name]
    if access.source.type == "sqlite":
        return sqlite_url(sqlite_path(access, data_dir))
    missing = name or "a url secret (credentials.secrets.url in access.toml)"
    raise SourceUnavailable(f"source '{access.source.name}': environment variable {missing} is "
                            "not set")


def engine_url(url: str) -> str:
    """The URL SQLAlchemy opens: a bare ``postgresql://`` uses psycopg (3), which is installed.

    SQLAlchemy's default PostgreSQL driver is psycopg2; the URL a TRE gives may name either.
    """
    import sqlalchemy as sa

    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return url
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def sqlite_url(path: Path) -> str:
    """A read-only URL: inspecting or extracting never creates or changes the file."""
    return f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"


def _table(inspector: sa.Inspector, schema: str, name: str) -> TableInfo:
    columns = tuple(
        ColumnInfo(str(c["name"]), str(c["type"]), c.get("comment") or None)
        for c in inspector.get_columns(name, schema=schema)
    )
    try:
        description = inspector.get_table_comment(name, schema=schema).get("text") or None
    except NotImplementedError:
        description = None
    return TableInfo(name, columns, description)


SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "sys"})


def read_catalogue(url: str, source_name: str,
                   wanted: Mapping[str | None, Iterable[str] | None] | None) -> Catalogue:
    """Table names of each wanted schema, with columns of the wanted tables.

    ``wanted=None``: every table of every schema but the database's own, with columns.
    """
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(engine_url(url))
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise SourceUnavailable(
            f"source '{source_name}': the database URL is not usable ({type(exc).__name__})"
        ) from None
    try:
        inspector = sa.inspect(engine)
        default = inspector.default_schema_name
        present = set(inspector.get_schema_names())
        schemas: dict[str, dict[str, TableInfo]] = {}
        listing = wanted is None
        if wanted is None:
            wanted = {name: None for name in sorted(present - SYSTEM_SCHEMAS)}
        for schema, tables in wanted.items():
            name = schema or default or ""
            if name not in present or name in schemas:
                continue
            names = inspector.get_table_names(schema=name) + inspector.get_view_names(schema=name)
            want = set(names if tables is None else tables)
            schemas[name] = {
                t: _table(inspector, name, t) if t in want else TableInfo(t) for t in names
            }
        for name in present - (SYSTEM_SCHEMAS if listing else set()):
            schemas.setdefault(name, {})
        return Catalogue(source_name, schemas, default)
    except sa.exc.SQLAlchemyError as exc:
        raise SourceUnavailable(
            f"source '{source_name}' could not be inspected ({type(exc).__name__})"
        ) from None
    finally:
        engine.dispose()
