# The README's two commands: `make demo` and `make test`. Both set the machine up first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.lltk-setup

.PHONY: setup demo test lint bench study-pinn study-resnet study-reference ttk

$(STAMP): scripts/setup.sh pyproject.toml
	bash scripts/setup.sh
	touch $@

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/lltk demo

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -rs --doctest-modules tests lltk sampling

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(VENV)/bin/lltk bench topology

study-pinn: $(STAMP)
	$(VENV)/bin/lltk study pinn

study-resnet: $(STAMP)
	$(VENV)/bin/lltk study resnet

# The study's metrics and claims on the authors' own landscapes (beside the checkout).
study-reference: $(STAMP)
	$(VENV)/bin/lltk study reference ../shared/ttk-reference

# TTK 1.2.0 from source against Debian's ParaView (about 15 minutes); see scripts/build-ttk.sh.
ttk:
	bash scripts/build-ttk.sh
