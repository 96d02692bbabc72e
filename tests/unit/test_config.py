from pathlib import Path

import pytest

from mockmic.config import ConfigError, load_settings, parse_target


def test_parse_target():
    assert parse_target("60-90") == (60.0, 90.0)
    with pytest.raises(ConfigError, match="MIN must be below MAX"):
        parse_target("90-60")
    with pytest.raises(ConfigError, match="expected MIN-MAX"):
        parse_target("sixty")


def test_toml_and_overrides(tmp_path: Path):
    cfg = tmp_path / "m.toml"
    cfg.write_text('[thresholds]\nwpm_rushed = 180\n[transcription]\nmodel = "tiny.en"\n')
    s = load_settings(cfg, thresholds={"long_pause_s": 2.5})
    assert s.thresholds.wpm_rushed == 180.0
    assert s.thresholds.long_pause_s == 2.5
    assert s.thresholds.wpm_slow == 110.0
    assert s.transcription.model == "tiny.en"


def test_bad_toml_names_file(tmp_path: Path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[thresholds\n")
    with pytest.raises(ConfigError, match="bad.toml: not valid TOML"):
        load_settings(cfg)
    cfg.write_text("[thresholds]\nwpm_fast = 3\n")
    with pytest.raises(ConfigError, match="unknown setting 'wpm_fast'"):
        load_settings(cfg)


def test_prompts_fall_back_to_the_bank_bundled_in_the_package(tmp_path, monkeypatch) -> None:
    import mockmic.config as config
    from mockmic.questions import default_user_file

    packaged = tmp_path / "site" / "mockmic" / "prompts"
    packaged.mkdir(parents=True)
    (packaged / "core.toml").write_text("", encoding="utf-8")
    monkeypatch.setattr(config, "bundled_prompts", lambda: packaged)
    monkeypatch.setenv("MOCKMIC_HOME", str(tmp_path / "data"))
    home = tmp_path / "data"
    (home / "prompts").mkdir(parents=True)
    (home / "prompts" / "my_questions.toml").write_text("", encoding="utf-8")
    s = config.Settings(home=home)
    assert s.prompts == packaged  # the user's file alone is not a bank
    assert s.user_questions == home / "prompts" / "my_questions.toml"
    assert default_user_file(packaged) == home / "prompts" / "my_questions.toml"
    (home / "prompts" / "core.toml").write_text("", encoding="utf-8")
    assert config.Settings(home=home).prompts == home / "prompts"  # a checkout's own bank wins
    assert default_user_file(home / "prompts") == home / "prompts" / "my_questions.toml"
