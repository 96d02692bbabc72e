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


@pytest.mark.parametrize("value", ["nan", "inf", "-1.0", "true"])
def test_a_threshold_that_is_not_a_finite_non_negative_number_is_refused(tmp_path: Path, value: str) -> None:
    from mockmic.config import ConfigError, load_settings

    path = tmp_path / "mockmic.toml"
    path.write_text(f"[thresholds]\nlong_pause_s = {value}\n")
    with pytest.raises(ConfigError, match="long_pause_s"):
        load_settings(path)


def test_a_fractional_count_is_refused(tmp_path: Path) -> None:
    from mockmic.config import ConfigError, load_settings

    path = tmp_path / "mockmic.toml"
    path.write_text("[thresholds]\nfiller_cluster_count = 2.5\n")
    with pytest.raises(ConfigError, match="whole number"):
        load_settings(path)


def test_save_settings_keeps_other_keys_and_never_writes_an_invalid_file(tmp_path: Path) -> None:
    from mockmic.config import ConfigError, load_settings, save_settings

    path = tmp_path / "mockmic.toml"
    path.write_text('[paths]\nrecordings = "~/answers"\n[thresholds]\nwpm_slow = 100\n')
    save_settings(path, {"thresholds": {"wpm_rushed": 180.0, "wpm_slow": None}, "start_recording": "space"})
    loaded = load_settings(path)
    assert loaded.thresholds.wpm_rushed == 180.0
    assert loaded.thresholds.wpm_slow == 110.0  # None: back to the default
    assert loaded.recordings == Path("~/answers").expanduser()
    assert loaded.start_recording == "space"
    before = path.read_bytes()
    with pytest.raises(ConfigError, match="long_pause_s"):
        save_settings(path, {"thresholds": {"long_pause_s": float("nan")}})
    with pytest.raises(ConfigError, match="unknown setting"):
        save_settings(path, {"thresholds": {"no_such_threshold": 1.0}})
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


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


def test_speech_level_threshold_is_below_full_scale(tmp_path) -> None:
    import pytest

    from mockmic.config import ConfigError, load_settings

    path = tmp_path / "mockmic.toml"
    path.write_text("[thresholds]\ntoo_quiet_dbfs = -45\n")
    assert load_settings(path).thresholds.too_quiet_dbfs == -45.0
    path.write_text("[thresholds]\ntoo_quiet_dbfs = 3\n")
    with pytest.raises(ConfigError, match="too_quiet_dbfs"):
        load_settings(path)
    path.write_text("[thresholds]\nflat_range_st = -1\n")
    with pytest.raises(ConfigError, match="at least 0"):
        load_settings(path)


def test_a_checkout_run_with_its_data_folder_elsewhere_still_has_the_questions(tmp_path, monkeypatch) -> None:
    # MOCKMIC_HOME pointing at an empty folder used to leave the question list empty when mockmic
    # ran from a source checkout (nothing is bundled there); the checkout's bank is used instead
    from pathlib import Path

    import mockmic.config as config
    from mockmic.questions import load_bank

    checkout_bank = Path(config.__file__).resolve().parents[2] / "prompts"
    monkeypatch.setenv("MOCKMIC_HOME", str(tmp_path / "data"))
    s = config.load_settings()
    assert s.prompts == checkout_bank
    assert s.user_questions == tmp_path / "data" / "prompts" / "my_questions.toml"
    assert len(load_bank(s.prompts, s.user_questions).questions) >= 20
