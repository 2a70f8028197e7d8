# The Ebanista image: the appliance by default (SQLite and files in the /data volume, migrated at
# start), and the platform's web and worker nodes with EBANISTA_MODE=platform (docker-compose.yml).
#   docker build -t ebanista .
#   docker run -p 8000:8000 -v ebanista-data:/data ebanista

# --- build: install the program and its dependencies into a virtual environment ------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/ebanista
WORKDIR /src
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p appliance webui tui && touch appliance/__init__.py webui/__init__.py tui/__init__.py \
 && /opt/ebanista/bin/pip install . \
 && /opt/ebanista/bin/pip uninstall -y ebanista
COPY appliance ./appliance
COPY webui ./webui
COPY tui ./tui
RUN /opt/ebanista/bin/pip install --no-deps .

# --- runtime: slim, Pango for the PDF summaries, a user of its own -------------------------------
FROM python:3.11-slim-bookworm AS runtime
# Pango and DejaVu draw the leads' PDF summaries (WeasyPrint); tini reaps and forwards signals.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/ebanista ebanista \
 && mkdir /data && chown ebanista:ebanista /data && chmod 700 /data
COPY --from=build /opt/ebanista /opt/ebanista
ENV PATH=/opt/ebanista/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    EBANISTA_DATA_DIR=/data \
    EBANISTA_PUBLIC_URL=http://localhost:8000
# Fail the build, not the first PDF, when a native library is missing.
RUN python -c 'import weasyprint; weasyprint.HTML(string="<p>ok</p>").write_pdf()' \
 && ebanista --version
COPY packaging/entrypoint.sh /usr/local/bin/ebanista-entrypoint
COPY packaging/healthcheck.py /usr/local/bin/ebanista-healthcheck
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000
# /v1/health answers 503 when the database does not answer; the check also reads its verdict.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "/usr/local/bin/ebanista-healthcheck"]
ENTRYPOINT ["tini", "--", "ebanista-entrypoint"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
