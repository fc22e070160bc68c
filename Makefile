# Set-up is part of every target: a fresh clone needs only `make demo` or `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test check eval bench bench-slack install

# PyTorch's CPU-only wheels. PyPI's Linux torch is the CUDA build (plus ~3 GB of nvidia-* wheels).
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH_PIN := torch==2.13.0

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	# torch alone, first, from the CPU index only (--no-deps: its small deps come from PyPI
	# in the next step), so a failing CPU index stops here rather than falling back to CUDA.
	# A wheel pip already finds locally (find-links in pip.conf) serves when the index is out
	# of reach; --timeout bounds a hanging connection.
	$(VENV)/bin/pip install --quiet --no-deps --timeout 20 --index-url $(TORCH_INDEX) $(TORCH_PIN)
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) -m bot summarise seeds/fujian-advanced-manufacturing.txt

# The code checks run first: ruff and mypy must be clean for the tests to count.
check: install
	$(VENV)/bin/ruff check bot tests tools
	$(VENV)/bin/mypy bot tools tests

test: check
	$(PY) -m pytest

# Development commands live in tools/, outside the product: `python -m tools --help` lists them all.
eval: install
	$(PY) -m tools eval

bench: install
	$(PY) -m tools bench

bench-slack: install
	$(PY) -m tools bench-slack
