# syntax=docker/dockerfile:1
# Healthbridge image: Maven build, then a small JRE made with jlink, run as a non-root user.

# --- build --------------------------------------------------------------------------------------
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY application.properties .
COPY src ./src
RUN mvn -B -q package -DskipTests

# --- jre ----------------------------------------------------------------------------------------
# A JRE from the same pinned JDK, with jdk.compiler kept: Java DSL route files (routes/*.java) are
# compiled at runtime, which a stock JRE image cannot do.
FROM eclipse-temurin:17.0.15_6-jdk-jammy AS jre
RUN jlink --add-modules java.base,java.compiler,jdk.compiler,java.desktop,java.instrument,java.net.http,\
java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql.rowset,java.xml.crypto,\
jdk.jfr,jdk.management,jdk.net,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.naming.dns,jdk.localedata \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output /opt/jre

# --- runtime ------------------------------------------------------------------------------------
FROM debian:12.11-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system healthbridge && useradd --system --gid healthbridge --home /app healthbridge
COPY --from=jre /opt/jre /opt/jre
WORKDIR /app
COPY --from=build /src/target/healthbridge.jar /app/healthbridge.jar
COPY application.properties /app/application.properties
COPY routes /app/routes
RUN mkdir -p /app/data && chown -R healthbridge:healthbridge /app
USER healthbridge
ENV PATH=/opt/jre/bin:$PATH \
    MALLOC_ARENA_MAX=2 \
    CAMEL_SERVER_HOST=0.0.0.0 \
    CAMEL_SERVER_PORT=8080
# Mount your own routes/ and application.properties over these; data/ holds the embedded store.
VOLUME ["/app/routes", "/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${CAMEL_SERVER_PORT}/health" > /dev/null || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/healthbridge.jar", "--config", "/app/application.properties"]
