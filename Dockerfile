# shopgov: the dashboard and the nightly check, one image (see docs/deploy.md).
# Builds from this repository with pip only: PyPI, plus PyTorch's CPU wheel index for torch.
# PYTHON_IMAGE: a Python 3.11 image with pip at /usr/local/bin (a site's own registry mirror).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SHOPGOV_HOME=/data \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1

WORKDIR /opt/shopgov

# torch first, from the CPU-only index (the PyPI wheel pulls ~3 GB of CUDA libraries);
# keep the version equal to the pin in pyproject.toml, so the next step does not replace it.
RUN pip install "torch==2.13.0" --index-url "${TORCH_INDEX_URL}"

COPY pyproject.toml README.md ./
COPY governance ./governance
COPY assess ./assess
COPY dashboard ./dashboard
RUN pip install . && shopgov --help >/dev/null

COPY docker/nightly.sh /usr/local/bin/shopgov-nightly
RUN chmod 0755 /usr/local/bin/shopgov-nightly \
    && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin shopgov \
    && mkdir -p /data \
    && chown shopgov:shopgov /data

USER shopgov
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["shopgov", "dashboard", "--address", "0.0.0.0", "--port", "8501"]
