"""Every manifest of a bag checked, in whatever algorithm it uses (RFC 8493 2.1.3, 2.2.1, 3).

A bag is valid when every payload file is listed in every payload manifest, every digest of
every manifest and tag manifest matches, and every file ``fetch.txt`` names is present (a
complete bag). Other producers write ``manifest-sha256.txt`` beside or instead of
``manifest-sha512.txt`` (bagit-python writes both), so each manifest is checked against the
digests of its own algorithm; a manifest in an algorithm hashlib does not have cannot be
checked and says so. Pure: digests and tag file bytes come in, findings go out.
"""

from __future__ import annotations

from collections.abc import Iterable

from fivesafes.core.release import bagit_text as bt

Digests = dict[str, tuple[str, int]]
Others = dict[str, dict[str, str]]
# (rule, tag file or None, message, fix, is a warning)
Problem = tuple[str, str | None, str, str, bool]
FETCH = "fetch.txt"


def manifest_names(paths: Iterable[str]) -> list[str]:
    """The top-level manifest and tag manifest names among bag paths."""
    return sorted(p for p in paths if "/" not in p and bt.manifest_kind(p) is not None)


def other_algorithms(paths: Iterable[str]) -> set[str]:
    """The algorithms besides sha-512 that the bag's manifests use (and hashlib has)."""
    kinds = (bt.manifest_kind(name) for name in manifest_names(paths))
    return {k[1] for k in kinds if k and k[1] in bt.ALGORITHMS and k[1] != bt.ALGORITHM}


def _fetched(kept: dict[str, bytes], files: Digests, found: list[Problem]) -> dict[str, str]:
    if FETCH not in files:
        return {}
    raw = kept.get(FETCH)
    if raw is None:
        found.append(("bagit.fetch", FETCH, "fetch.txt is too large to read", "refuse it", False))
        return {}
    listed, problems = bt.parse_fetch(raw.decode("utf-8", "replace"))
    for line, problem in problems:
        found.append(("bagit.syntax", FETCH, f"line {line}: {problem}", "fix fetch.txt", False))
    for path, url in sorted(listed.items()):
        if path not in files:
            found.append(("bagit.fetch", FETCH, f"{path} is to be fetched from {url} but is not "
                          "in the bag: the bag is incomplete (verify never downloads)",
                          "fetch the file into the bag and check again, or refuse it", False))
    return listed


def check_manifests(digests: Digests, kept: dict[str, bytes], others: Others) -> list[Problem]:
    """Problems with the bag's manifests, tag manifests and ``fetch.txt``."""
    found: list[Problem] = []
    payload = {p for p in digests if p.startswith(bt.PAYLOAD_DIR)}
    tags = set(digests) - payload
    fetched = _fetched(kept, digests, found)
    names = manifest_names(tags)
    kinds = {name: bt.manifest_kind(name) for name in names}
    if not any(kind and not kind[0] for kind in kinds.values()):
        found.append(("bagit.missing-tag", None, "the bag has no payload manifest",
                      "a bag lists its payload in manifest-sha512.txt", False))
    if not any(kind and kind[0] for kind in kinds.values()):
        found.append(("bagit.missing-tag", None, "the bag has no tag manifest (the profile "
                      f"recommends {bt.TAGMANIFEST})", "re-bag with a tag manifest", True))

    def digest_of(algorithm: str, path: str) -> str | None:
        if algorithm == bt.ALGORITHM:
            return digests[path][0]
        return others.get(algorithm, {}).get(path)

    for name, kind in kinds.items():
        tag_manifest, algorithm = kind or (False, "")
        if algorithm not in bt.ALGORITHMS:
            found.append(("bagit.unchecked-manifest", name, f"{name}: algorithm {algorithm!r} "
                          "cannot be checked here", "nothing to do if another manifest is "
                          "checked", True))
            continue
        raw = kept.get(name)
        if raw is None:
            found.append(("bagit.missing-tag", name, f"{name} is too large to read",
                          "refuse it", False))
            continue
        listed, problems = bt.parse_manifest(raw.decode("utf-8", "replace"), algorithm)
        for line, problem in problems:
            found.append(("bagit.syntax", name, f"line {line}: {problem}", "fix the manifest",
                          False))
        for path, digest in sorted(listed.items()):
            if path not in digests:
                if path not in fetched:
                    found.append(("bagit.missing-file", name, f"{path} is listed but not in "
                                  "the bag", "the bag is incomplete; refuse it", False))
            elif digest_of(algorithm, path) != digest:
                found.append(("bagit.checksum", name, f"{path} does not match its {algorithm}",
                              "the file was changed after bagging; refuse it", False))
        if not tag_manifest:
            for path in sorted(payload - set(listed)):
                found.append(("bagit.unlisted-file", name, f"{path} is not in {name}",
                              "a file was added after bagging; refuse it", False))
            for path in sorted(set(fetched) - set(listed)):
                found.append(("bagit.fetch", name, f"{path} is in fetch.txt but not in {name}",
                              "refuse it", False))
        else:
            for path in sorted(tags - set(listed)):
                if not (bt.manifest_kind(path) or (False, ""))[0]:
                    found.append(("bagit.unlisted-tag", name, f"{path} is not in {name}",
                                  "re-bag so the tag manifest covers every tag file", True))
    return found
