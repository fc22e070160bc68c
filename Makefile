# Set-up is part of every target: a fresh clone needs only `make demo` or `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test check eval bench install

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	# torch is pinned on its own first: an unpinned resolve would pull a multi-GB CUDA build.
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) -m bot summarise seeds/fujian-advanced-manufacturing.txt

# The code checks run first: ruff and mypy must be clean for the tests to count.
check: install
	$(VENV)/bin/ruff check bot tests tools
	$(VENV)/bin/mypy bot

test: check
	$(PY) -m pytest

eval: install
	$(PY) -m bot eval

bench: install
	$(PY) -m bot bench
