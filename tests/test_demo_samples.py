"""The demo's names and texts come from resources/demo/samples.toml; a malformed file names the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from moderator_gui.core import demo
from moderator_gui.core.demo.samples import SAMPLES_FILE, SamplesError, bundled_samples, load_samples
from moderator_gui.core.domain import ContentType
from moderator_gui.core.paths import resources_dir
from moderator_gui.core.policy import load_policy

BUNDLED = resources_dir() / SAMPLES_FILE


def test_the_bundled_samples_are_read_once_and_fit_the_policy() -> None:
    s = bundled_samples()
    assert bundled_samples() is s
    assert s.source == BUNDLED
    assert s.platforms == demo.PLATFORMS and len(s.platforms) == 7
    assert (*s.team, s.lead) == demo.REVIEWERS and s.lead == "huang.lead"
    assert set(s.id_prefix) == set(s.platforms)
    assert set(s.platform_weights) == set(ContentType)
    assert all(len(w) == len(s.platforms) for w in s.platform_weights.values())
    assert s.flag_sources[:2] == ("user_report", "classifier")  # the two the generator treats specially
    policy = load_policy()
    assert set(s.any_category) == {c.code for c in policy.categories if c.is_violation}
    assert s.flag_reasons[None]
    assert {c for _, c in s.text_posts} - {None} <= set(s.any_category)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in s.accounts[0])  # read as UTF-8


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "samples.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return _write(tmp_path, text.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('lead = "huang.lead"', 'leader = "huang.lead"', "reviewers.lead", "missing"),
        ('lead = "huang.lead"', 'lead = "li.na"', "reviewers.lead", "'li.na' is also in reviewers.team"),
        ('    "momo_daily",\n', '    "momo_daily",\n    7,\n', "accounts[2]", "expected str, got int"),
        ('    "momo_daily",\n', '    "momo_daily",\n    "momo_daily",\n', "accounts[2]", "'momo_daily' is listed twice"),
        ('suspected = "harmful_animation"\n', 'suspected = "harmful_animations"\n', "text_posts[13].suspected",
         "'harmful_animations' has no [flag_reasons.by_category] entry"),
        ('id_prefix = "xhs"', 'id_prefix = 3', "platforms.xiaohongshu.id_prefix", "expected str, got int"),
        ("image = 4, animation = 0,", "image = 4, animations = 0,", "platforms.taobao.weights.animations",
         "not a content type (image, animation, video, live_clip, text)"),
        ("keyword = 15", "keyword = -15", "flag_sources.keyword", "a weight must be 0 or more, got -15"),
        ('revert = ["按错键了", "Wrong category key", "", ""]', "revert = []", "notes.revert", "the list is empty"),
        ('unsuspected = ["其他", "Other", "用户举报：内容不适"]', 'unsuspected = ["其他", " "]',
         "flag_reasons.unsuspected[1]", "blank text"),
    ],
)
def test_a_malformed_file_names_the_file_and_the_key(tmp_path: Path, old: str, new: str, key: str, problem: str) -> None:
    path = _edited(tmp_path, old, new)
    with pytest.raises(SamplesError) as info:
        load_samples(path)
    exc = info.value
    assert (exc.code, exc.path, exc.key, exc.problem) == ("demo.samples", path, key, problem)
    assert exc.message == f"the demo samples file {path} is malformed: {key}: {problem}"


def test_a_file_that_is_not_toml_or_not_there_says_so(tmp_path: Path) -> None:
    with pytest.raises(SamplesError, match=r"samples\.toml is malformed: \(file\): not valid TOML"):
        load_samples(_write(tmp_path, "accounts = [\n"))
    with pytest.raises(SamplesError, match=r"is malformed: \(file\): cannot be read"):
        load_samples(tmp_path / "missing.toml")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('accounts = ["caf\u00e9"]\n'.encode("latin-1"))
    with pytest.raises(SamplesError, match=r"is malformed: \(file\): not UTF-8"):
        load_samples(latin1)


def test_every_category_of_the_media_pool_has_flag_reasons(tmp_path: Path) -> None:
    """Removing a category the pool names fails when the demo starts, before anything is written."""
    from moderator_gui.core.demo.media_pool import check_categories

    check_categories(bundled_samples())
    path = _edited(
        tmp_path, 'addiction_safeguards = ["绕过防沉迷教程", "Tips to bypass anti-addiction limits", "未成年人深夜游戏"]\n', ""
    )
    text = path.read_text(encoding="utf-8").replace('suspected = "addiction_safeguards"\n', "")
    tomllib.loads(text)
    with pytest.raises(
        SamplesError, match=r"flag_reasons\.by_category\.addiction_safeguards: missing \(the media pool's live/live_00\.mp4"
    ):
        check_categories(load_samples(_write(tmp_path, text)))
