import json
import urllib.request

from tests.github_server import GitHubServer


def test_smoke(github_server: GitHubServer) -> None:
    world = github_server.world
    repo = world.repo("acme/proj")
    pull = world.open_pull(repo, {"resources/a.toml": "x = 1\n"}, author="bob")
    req = urllib.request.Request(f"{github_server.url}/repos/acme/proj/pulls/{pull.number}",
                                 headers={"Authorization": "token test-token"})
    data = json.load(urllib.request.urlopen(req))
    assert data["number"] == pull.number
