"""The GitHub Actions workflow and the pre-commit hooks: validated offline, and read for the
promises a repository that accepts outside pull requests depends on."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SITE = ROOT / ".github" / "workflows" / "site.yml"
DRIFT = ROOT / ".github" / "workflows" / "source-drift.yml"
BIN = Path(sys.executable).parent
# The first major of each official action that runs on Node 24.
NODE24_MAJORS = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/upload-artifact": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}


def load(path: Path) -> dict:
    # BaseLoader keeps every value as text: YAML 1.1 would read the key `on` as True.
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def site() -> dict:
    return load(SITE)


@pytest.fixture(scope="module")
def drift() -> dict:
    return load(DRIFT)


def steps(job: dict) -> list[dict]:
    return job["steps"]


def uses(job: dict) -> list[str]:
    return [step["uses"] for step in steps(job) if "uses" in step]


# --- offline validation ---------------------------------------------------------------------------


def test_there_is_a_workflow() -> None:
    assert SITE in WORKFLOWS
    assert DRIFT in WORKFLOWS


def test_zizmor_finds_nothing() -> None:
    done = run(str(BIN / "zizmor"), "--offline", "--no-progress", *map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout


def test_workflows_match_github_workflow_syntax() -> None:
    for schema in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        done = run(str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, WORKFLOWS))
        assert done.returncode == 0, done.stdout + done.stderr


def test_dependabot_settings_match_their_schema() -> None:
    done = run(
        str(BIN / "check-jsonschema"),
        "--builtin-schema",
        "vendor.dependabot",
        str(ROOT / ".github" / "dependabot.yml"),
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- security properties --------------------------------------------------------------------------


def test_only_pull_requests_and_pushes_to_main_trigger_it(site) -> None:
    assert site["on"] == {"pull_request": "", "push": {"branches": ["main"]}}
    for workflow in WORKFLOWS:
        # These run with the base repository's secrets and write token on a fork's request.
        assert not {"pull_request_target", "workflow_run"} & set(load(workflow)["on"]), workflow


def test_the_token_can_only_read_by_default(site) -> None:
    assert site["permissions"] == {"contents": "read"}
    assert site["jobs"]["build"]["permissions"] == {"contents": "read"}


def test_no_secrets_are_used() -> None:
    for workflow in WORKFLOWS:
        assert "secrets." not in workflow.read_text(), workflow.name


def test_checkouts_keep_no_credentials() -> None:
    for workflow in WORKFLOWS:
        checkouts = [
            step
            for job in load(workflow)["jobs"].values()
            for step in steps(job)
            if step.get("uses", "").startswith("actions/checkout@")
        ]
        assert checkouts, workflow.name
        for step in checkouts:
            assert step["with"]["persist-credentials"] == "false", workflow.name


def test_only_the_deploy_job_may_write_to_pages(site) -> None:
    for name, job in site["jobs"].items():
        permissions = job.get("permissions", {})
        if name == "deploy":
            assert permissions == {"pages": "write", "id-token": "write"}
        else:
            assert "write" not in permissions.values(), name


def test_deploy_needs_the_checked_build_and_runs_only_for_main(site) -> None:
    deploy = site["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"] == {"group": "github-pages", "cancel-in-progress": "false"}
    assert [u.split("@")[0] for u in uses(deploy)] == ["actions/deploy-pages"]


def test_the_build_checks_builds_tests_and_uploads_in_that_order(site) -> None:
    build = site["jobs"]["build"]
    commands = [step.get("run", step.get("uses", "")) for step in steps(build)]

    def index(fragment: str) -> int:
        return next(i for i, c in enumerate(commands) if fragment in c)

    assert "apt-get install" in commands[0] and "chromium" in commands[0]
    assert (
        index("actions/checkout@")
        < index('pip install --quiet -e ".[test]"')
        < index("python -m macros check --format github")
        < index("python -m mkdocs build --strict")
        < index("https://github.com/zoho/crm-oas.git")
        < index("python -m pytest")
        < index("actions/upload-artifact@")
        < index("actions/upload-pages-artifact@")
    )
    tests = next(step for step in steps(build) if step.get("run") == "python -m pytest")
    assert tests["env"] == {
        "BEAM_REQUIRE_BROWSER": "1",
        "BEAM_REQUIRE_VENDOR": "1",
        "BEAM_VENDOR_SPECS": "${{ runner.temp }}/crm-oas/v8.0",
    }
    pages = next(s for s in steps(build) if s.get("uses", "").startswith("actions/upload-pages"))
    assert pages["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def test_the_vendor_check_gets_zohos_files_at_a_pinned_commit_and_checks_their_bytes(site) -> None:
    fetch = next(s for s in steps(site["jobs"]["build"]) if "zoho/crm-oas" in s.get("run", ""))
    assert re.fullmatch(r"[0-9a-f]{7,40}", fetch["env"]["CRM_OAS_COMMIT"])
    assert (
        'checkout --quiet "$CRM_OAS_COMMIT" -- v8.0/bulk_read.json v8.0/bulk_write.json'
        in (fetch["run"])
    )
    sums = re.findall(r"^([0-9a-f]{64})  (\S+)$", fetch["run"], re.M)
    assert sorted(name for _, name in sums) == ["bulk_read.json", "bulk_write.json"]
    assert "sha256sum --check --strict" in fetch["run"]
    reviewed = ROOT.parent / "shared" / "vendor" / "zoho-crm-oas-v8.0"
    for digest, name in sums if reviewed.is_dir() else []:  # the copies CI reads beside the clone
        assert hashlib.sha256((reviewed / name).read_bytes()).hexdigest() == digest, name
    assert fetch["env"]["CRM_OAS"] + "/v8.0" == next(
        s["env"]["BEAM_VENDOR_SPECS"]
        for s in steps(site["jobs"]["build"])
        if "env" in s and "BEAM_VENDOR_SPECS" in s["env"]
    )


def test_ci_requires_the_browser_tests_and_the_vendor_check() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "export BEAM_REQUIRE_BROWSER=1\n" in ci and "export BEAM_REQUIRE_VENDOR=1\n" in ci
    assert ci.rstrip().endswith("python3 dev.py test"), "CI runs the README's test command"


# `uses: actions/x@v7`, or pinned to a commit with its tag in a comment: `@<sha> # v7.0.1`.
ACTION = re.compile(r"uses: (actions/[\w-]+)@(?:v(\d+)\b|[0-9a-f]{40} # v(\d+)\b)")


def test_official_actions_are_of_the_node_24_generation() -> None:
    found = set()
    for workflow in WORKFLOWS:
        for name, major, pinned_major in ACTION.findall(workflow.read_text()):
            assert int(major or pinned_major) >= NODE24_MAJORS[name], (workflow.name, name)
            found.add(name)
    assert {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    } <= found


# --- the weekly drift watch -----------------------------------------------------------------------


def test_the_drift_watch_runs_weekly_and_on_demand_only(drift) -> None:
    assert drift["on"] == {"schedule": [{"cron": "17 6 * * 1"}], "workflow_dispatch": ""}


def test_the_drift_watch_may_only_read_code_and_write_issues(drift) -> None:
    assert drift["permissions"] == {}
    assert list(drift["jobs"]) == ["watch"]
    assert drift["jobs"]["watch"]["permissions"] == {"contents": "read", "issues": "write"}
    assert drift["concurrency"] == {"group": "source-drift", "cancel-in-progress": "false"}


def test_the_drift_watch_pins_each_action_to_a_commit(drift) -> None:
    text = DRIFT.read_text()
    used = re.findall(r"uses: (\S+)(.*)", text)
    assert [u.split("@")[0] for u, _ in used] == ["actions/checkout", "actions/setup-python"]
    for action, comment in used:
        assert re.fullmatch(r"[\w/-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), (action, comment)


def test_the_drift_watch_puts_no_expression_inside_a_script(drift) -> None:
    # Values reach scripts through env only, so no text can become shell code.
    for step in steps(drift["jobs"]["watch"]):
        assert "${{" not in step.get("run", ""), step["name"]


def test_the_drift_watch_runs_the_command_and_only_its_errors_reach_the_issue(drift) -> None:
    watch, report = steps(drift["jobs"]["watch"])[-2:]
    assert "python -m macros verify-sources --format json > drift.json" in watch["run"]
    assert 'if [ "$status" -ge 2 ]; then exit "$status"; fi' in watch["run"]
    assert report["env"]["DRIFTED"] == "${{ steps.watch.outputs.status }}"
    assert report["env"]["GH_TOKEN"] == "${{ github.token }}"


ISSUE_SCRIPT_NEEDS = ("bash", "jq")


def run_issue_step(tmp_path: Path, drift: dict, problems: list[dict], status: int, open_issue: str):
    """Run the workflow's issue step as GitHub would (bash -eo pipefail), with `gh` replaced by a
    stub that answers `issue list` with open_issue and logs every call."""
    missing = [tool for tool in ISSUE_SCRIPT_NEEDS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the issue step needs {', '.join(missing)} (sudo apt-get install jq)")
    step = steps(drift["jobs"]["watch"])[-1]
    stubs = tmp_path / "bin"
    stubs.mkdir(parents=True)
    log = tmp_path / "gh.log"
    gh = stubs / "gh"
    gh.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$*" >> "{log}"\n'
        'case "$1 $2" in "issue list") '
        f'printf "%s" "{open_issue}";; '
        '"issue edit"|"issue create") for last; do :; done; cp "$last" '
        f'"{tmp_path}/sent.md";; esac\n'
    )
    gh.chmod(0o755)
    (tmp_path / "drift.json").write_text(json.dumps(problems))
    env = {
        "PATH": f"{stubs}:{os.environ['PATH']}",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "beam-help/beam-help",
        "GITHUB_RUN_ID": "42",
        "GITHUB_SHA": "a" * 40,
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        **{k: v for k, v in step["env"].items() if not v.startswith("${{")},
        "DRIFTED": str(status),
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    calls = log.read_text().splitlines() if log.exists() else []
    sent = (tmp_path / "sent.md").read_text() if (tmp_path / "sent.md").exists() else ""
    return calls, sent


DRIFTED = [
    {
        "path": "sources/zoho-crm/bulk-write.yml",
        "line": 12,
        "severity": "error",
        "code": "quote-changed",
        "message": "'zoho-crm.x': its quote is no longer on https://www.zoho.com/a.html; "
        "Zoho changed the page. Read ... ~~~ `@someone` [quote-changed]",
    },
    {
        "path": "sources/zoho-crm/docs.yml",
        "line": 3,
        "severity": "info",
        "code": "quote-found",
        "message": "'zoho-crm.y': its quote is on https://www.zoho.com/b.html. Nothing to do.",
    },
]


def test_drift_opens_an_issue_listing_each_record_at_its_line(tmp_path, drift) -> None:
    calls, sent = run_issue_step(tmp_path, drift, DRIFTED, 1, open_issue="")
    assert calls[0].startswith("issue list --label source-drift --state open")
    assert calls[1].startswith("label create source-drift --force")
    assert calls[2].startswith(
        "issue create --title Cited pages changed: records to check against Zoho's pages "
        "--label source-drift --body-file issue.md"
    )
    assert (
        "- [ ] [`sources/zoho-crm/bulk-write.yml:12`](https://github.com/beam-help/beam-help/"
        f"blob/{'a' * 40}/sources/zoho-crm/bulk-write.yml#L12) quote-changed"
    ) in sent
    assert "  ~~~text\n  'zoho-crm.x': its quote is no longer on" in sent
    assert "~ ~ ~ `@someone`" in sent, "a message cannot close its code block"
    assert "zoho-crm.y" not in sent, "records whose quote was found are not listed"
    assert sent.rstrip().endswith("https://github.com/beam-help/beam-help/actions/runs/42")
    assert (tmp_path / "summary.md").read_text() == sent


def test_drift_updates_the_issue_already_open(tmp_path, drift) -> None:
    calls, sent = run_issue_step(tmp_path, drift, DRIFTED, 1, open_issue="7")
    assert calls[1:] == ["issue edit 7 --body-file issue.md"]
    assert "bulk-write.yml:12" in sent


def test_no_drift_closes_the_open_issue_and_opens_none(tmp_path, drift) -> None:
    calls, _ = run_issue_step(tmp_path, drift, DRIFTED[1:], 0, open_issue="7")
    assert calls[1:] == [
        "issue close 7 --comment Every quote was found again by "
        "https://github.com/beam-help/beam-help/actions/runs/42."
    ]
    calls, _ = run_issue_step(tmp_path / "none", drift, DRIFTED[1:], 0, open_issue="")
    assert [c.split(" --")[0] for c in calls] == ["issue list"]


# --- pre-commit hooks -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict]:
    config = load(ROOT / ".pre-commit-config.yaml")
    assert [repo["repo"] for repo in config["repos"]] == ["local"]  # nothing fetched at commit
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_the_hooks_check_yaml_keys_spelling_and_the_site(hooks) -> None:
    assert sorted(hooks) == ["beam-check", "spelling", "yaml-duplicate-keys"]
    assert hooks["beam-check"]["entry"] == "python3 dev.py check"
    assert "key-duplicates: enable" in hooks["yaml-duplicate-keys"]["entry"]
    assert "--ignore-words=.codespell-words.txt" in hooks["spelling"]["entry"]


def repository_files() -> list[str]:
    listed = run("git", "ls-files", "--cached", "--others", "--exclude-standard")
    assert listed.returncode == 0, listed.stderr
    return sorted({f for f in listed.stdout.splitlines() if (ROOT / f).is_file()})


def hook_command(hook: dict, files: list[str]) -> list[str]:
    """The hook's command on the files pre-commit would give it, run with this Python's copy."""
    program, *args = shlex.split(hook["entry"])
    exclude = re.compile(hook.get("exclude", "^$"))
    return [str(BIN / program), *args, *(f for f in files if not exclude.search(f))]


def test_the_yaml_hook_passes_and_catches_a_duplicate_key(hooks, tmp_path) -> None:
    hook = hooks["yaml-duplicate-keys"]
    yaml_files = [f for f in repository_files() if f.endswith((".yml", ".yaml"))]
    done = run(*hook_command(hook, yaml_files))
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text("site_name: A\nsite_name: B\n")
    done = run(*hook_command(hook, [str(broken)]))
    assert done.returncode == 1
    assert 'duplication of key "site_name" in mapping' in done.stdout


def test_the_spelling_hook_passes_and_catches_a_misspelling(hooks, tmp_path) -> None:
    hook = hooks["spelling"]
    text_files = [f for f in repository_files() if b"\0" not in (ROOT / f).read_bytes()[:8192]]
    done = run(*hook_command(hook, text_files))
    assert done.returncode == 0, done.stdout + done.stderr
    typo = tmp_path / "typo.md"
    misspelt = "rec" + "ieved"  # split, so that this file itself passes the spelling hook
    typo.write_text(f"The job is {misspelt}.\n")
    done = run(*hook_command(hook, [str(typo)]))
    assert done.returncode != 0
    assert f"{misspelt} ==> received" in done.stdout
