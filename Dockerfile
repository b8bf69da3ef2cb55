# One image pattern for every service: docker build --build-arg SERVICE=Frontend .
# (SERVICE is a folder under src/: Auth, Frontend, Router, Presence, Media, Host.)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
RUN dotnet publish "src/${SERVICE}/${SERVICE}.csproj" -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SERVICE
# curl for health checks only.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV SERVICE_DLL=Chat.${SERVICE}.dll \
    ASPNETCORE_URLS=http://+:8080 \
    Chat__DataDir=/data
RUN mkdir -p /data && chown app:app /data
USER app
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD curl -fsS http://localhost:8080/health/ready || exit 1
ENTRYPOINT ["sh", "-c", "exec dotnet /app/$SERVICE_DLL"]
