# syntax=docker/dockerfile:1
# The Mandate broker (`mandate serve`) as a container image. Multi-stage: the SDK image builds and publishes the
# CLI; the ASP.NET Core runtime image runs it as a non-root user. Nothing secret is baked in: the key-encryption
# key and the PostgreSQL connection string come from the environment or mounted files at run time, and the
# configuration is mounted at /etc/mandate/mandate.yaml. See docs/deployment.md and deploy/compose.yaml.
#
#   docker build -t mandate .
#   docker run --rm -e MANDATE_KEK -e MANDATE_PG -v ./deploy:/etc/mandate:ro -p 8080:8080 mandate
#
# The .NET images ship only the newest SDK feature band; global.json asks for 10.0.401 or a later feature band.
# Override the images (a mirror, a pinned digest) with --build-arg SDK_IMAGE=... --build-arg RUNTIME_IMAGE=...
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /source
# Restore first, from the project files only, so the package layer is reused while only code changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Mandate.Cli/Mandate.Cli.csproj src/Mandate.Cli/
COPY src/Mandate.Client/Mandate.Client.csproj src/Mandate.Client/
COPY src/Mandate.Core/Mandate.Core.csproj src/Mandate.Core/
COPY src/Mandate.Credentials.Postgres/Mandate.Credentials.Postgres.csproj src/Mandate.Credentials.Postgres/
COPY src/Mandate.Policy/Mandate.Policy.csproj src/Mandate.Policy/
COPY src/Mandate.ResourceServer/Mandate.ResourceServer.csproj src/Mandate.ResourceServer/
COPY src/Mandate.SenderConstraint/Mandate.SenderConstraint.csproj src/Mandate.SenderConstraint/
COPY src/Mandate.Server/Mandate.Server.csproj src/Mandate.Server/
COPY src/Mandate.Storage.InMemory/Mandate.Storage.InMemory.csproj src/Mandate.Storage.InMemory/
COPY src/Mandate.Storage.Postgres/Mandate.Storage.Postgres.csproj src/Mandate.Storage.Postgres/
COPY src/Mandate.Storage.Sqlite/Mandate.Storage.Sqlite.csproj src/Mandate.Storage.Sqlite/
RUN dotnet restore src/Mandate.Cli/Mandate.Cli.csproj
COPY src/ src/
# A checkout that was built on the host carries bin/ and obj/ (Dockerfile.dockerignore keeps them out of the
# context under BuildKit; the classic builder ignores that file): never build on top of them.
RUN find src -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + \
    && dotnet publish src/Mandate.Cli/Mandate.Cli.csproj -c Release -o /app -p:UseAppHost=true

FROM ${RUNTIME_IMAGE} AS runtime
# The runtime image's unprivileged "app" user (uid 1654). The data folder (admin socket, broker lock, and with
# the SQLite store its database) is the only place the broker writes.
RUN mkdir -p /var/lib/mandate /etc/mandate && chown 1654:1654 /var/lib/mandate
COPY --from=build /app /opt/mandate
ENV PATH=/opt/mandate:$PATH
# A fixed 16 MiB gen0 budget per GC heap: each exchange holds its request until the audit commit, so under load many
# survive a collection, and the adaptive budget then kept returning gen0 memory to the kernel and faulting it back
# in (about one page fault per exchange; ~8 % more exchanges per CPU-second without it, bench/README.md).
# Only settable from the environment (the runtime has no runtimeconfig.json name for it).
ENV DOTNET_GCgen0size=0x1000000
USER 1654:1654
WORKDIR /opt/mandate
VOLUME ["/var/lib/mandate"]
EXPOSE 8080
# Listen on every interface inside the container; issuer and everything else come from the mounted mandate.yaml.
ENTRYPOINT ["mandate"]
CMD ["serve", "--config", "/etc/mandate/mandate.yaml", "--listen", "http://0.0.0.0:8080"]
