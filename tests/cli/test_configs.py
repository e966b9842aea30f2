"""Thin commands (issue 29): a command turns its options into one typed config, declared
once in the library, and calls one library function. The options match the config's
fields one to one (a field only Python sets is listed here), and a config built in
Python is checked as the command line's is, with the same messages."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from lltk.cli import build_parser
from lltk.commands import config_option

#: Fields a notebook may set that the command line leaves at their defaults.
PYTHON_ONLY = {
    "PinnConfig": {"top_k", "connect_points", "figure_betas", "system", "coefficients"},
    "ResnetConfig": {"top_k", "connect_points"},
}


def _configured(parser: argparse.ArgumentParser, prog: str = "lltk"):
    """(prog, parser, config class) of every (sub)command whose parser names a config."""
    config = parser._defaults.get("config")
    if config is not None:
        yield prog, parser, config
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _configured(sub, f"{prog} {name}")


def test_options_and_config_fields_match():
    found = list(_configured(build_parser()))
    assert {prog for prog, _, _ in found} >= {
        "lltk sample",
        "lltk train",
        "lltk study pinn",
        "lltk study resnet",
        "lltk study reference",
        "lltk bench",
    }
    for prog, parser, config in found:
        options = {a.dest: a for a in parser._actions if a.dest != "help"}
        fields = {f.name: f for f in dataclasses.fields(config)}
        assert set(options) <= set(fields), (prog, set(options) - set(fields))
        assert set(fields) - set(options) == PYTHON_ONLY.get(config.__name__, set()), prog
        for name, action in options.items():
            default = fields[name].default
            if default is dataclasses.MISSING:
                assert action.required or not action.option_strings, (prog, name)
            else:
                assert action.default == default, (prog, name)


def test_config_option_refuses_an_option_without_a_field():
    @dataclasses.dataclass
    class Small:
        size: int = 3

    parser = argparse.ArgumentParser()
    assert config_option(parser, Small, "--size", "points").type is int
    assert parser.parse_args([]).size == 3
    with pytest.raises(KeyError):
        config_option(parser, Small, "--colour", "not a field")


def test_sample_config_checks_as_the_command_line_does(tmp_path):
    pytest.importorskip("torch")
    from lltk.sampling import SampleConfig, TrainConfig

    out = tmp_path / "x.vti"
    config = SampleConfig(model="pinn", out=str(out))
    assert (config.resolution, config.distance, config.n_f, config.normalization) == (
        41,
        1.0,
        1000,
        "filter",
    )
    lens = SampleConfig(model="pinn", protocol="loss-lens", out=out)
    assert (lens.resolution, lens.distance, lens.n_f) == (40, 10.0, 100)
    refused = {
        "--k applies to --graph knn only": dict(k=3),
        "--top-k applies with --hessian": dict(top_k=3),
        "does not fit the loss-lens protocol": dict(protocol="loss-lens", resolution=9),
        "--directions pca and --trajectory DIR go together": dict(directions="pca"),
        "invalid choice: 'mlp'": dict(model="mlp"),
        "--beta must be a finite number": dict(beta=float("nan")),
    }
    for message, change in refused.items():
        with pytest.raises(ValueError, match=message.replace("(", r"\(")):
            SampleConfig(**{"model": "pinn", "out": out, **change})
    with pytest.raises(ValueError, match="go together"):
        TrainConfig(model="pinn", save_every=5)


def test_study_configs_take_the_protocols_values(tmp_path):
    from lltk.study import PinnConfig, ResnetConfig
    from lltk.study.pinn import each_protocol

    assert (PinnConfig().n_f, PinnConfig().resolution, PinnConfig().protocol) == (
        100,
        40,
        "authors",
    )
    assert (PinnConfig(protocol="lltk").n_f, PinnConfig(protocol="lltk").resolution) == (1000, 41)
    assert ResnetConfig(protocol="lltk").directions == "filter"
    assert ResnetConfig().directions == "authors"
    runs = each_protocol(PinnConfig(checkpoints=tmp_path, out=tmp_path / "o"))
    assert [(c.protocol, c.out, c.resolution, c.distance) for _, c in runs] == [
        ("authors", tmp_path / "o" / "training", 40, 1.0),
        ("loss-lens", tmp_path / "o" / "published", 40, 1.0),
    ]
    with pytest.raises(ValueError, match="--threads must be >= 0"):
        ResnetConfig(threads=-1)
    with pytest.raises(ValueError, match="beta must be a non-negative number"):
        PinnConfig(betas=(-1.0,))


def test_bench_config_checks_as_the_command_line_does():
    from lltk.benchmark import CASES, BenchConfig

    topology = BenchConfig(what="topology", cases=["grid41x41"])
    assert (topology.cases, topology.model, topology.threads) == (("grid41x41",), None, None)
    assert BenchConfig(what="topology").cases == CASES
    sampling = BenchConfig(what="sampling", model=["pinn"])
    assert (sampling.model, sampling.threads) == (("pinn",), (1, 2))
    assert BenchConfig(what="hessian").model == ("resnet20", "resnet20-noskip", "pinn")
    refused = {
        "argument what: invalid choice: 'speed'": dict(what="speed"),
        "argument --cases: invalid choice: 'grid3'": dict(what="topology", cases=("grid3",)),
        "--model applies to sampling and hessian only": dict(what="topology", model=("pinn",)),
        "--chunk-size applies to sampling and hessian only": dict(what="topology", chunk_size=8),
        "--model: invalid choice: 'mlp'": dict(what="sampling", model=("mlp",)),
        "--threads must be >= 1, not 0": dict(what="hessian", threads=(2, 0)),
        "--resolution must be >= 2, not 1": dict(what="sampling", resolution=1),
        "--repeat must be >= 1, not 0": dict(what="topology", repeat=0),
        "--gudhi-timeout must be > 0": dict(what="topology", gudhi_timeout=float("nan")),
    }
    for message, config in refused.items():
        with pytest.raises(ValueError, match=message.replace("(", r"\(")):
            BenchConfig(**config)
