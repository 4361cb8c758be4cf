# Chorus node image. Build: Maven with a JDK; run: a JRE image with the fat jar, as a non-root user.
#   docker build -t chorus .        (docker-compose.yml builds it for every node service)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY server/pom.xml server/pom.xml
COPY bench/pom.xml bench/pom.xml
RUN mvn -B -q -pl server -am dependency:go-offline
COPY cluster.xml .
COPY conf conf
COPY server/src server/src
RUN mvn -B -q -pl server -am -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app chorus && mkdir -p /app && chown chorus /app
WORKDIR /app
COPY --from=build /src/target/chat-server.jar /app/chat-server.jar
COPY cluster.xml /app/cluster.xml
COPY conf /app/conf
COPY docker/entrypoint.sh /app/entrypoint.sh
USER chorus
# HTTP/WebSocket, Hazelcast, event bus (EVENTBUS_PORT in docker-compose.yml).
EXPOSE 8080 5701 5801
# Ready = joined the cluster with subscriptions registered, and not draining. bash: /dev/tcp needs it.
HEALTHCHECK --interval=5s --timeout=2s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HTTP_PORT:-8080} && { [ \"$PROXY_PROTOCOL\" != true ] || printf 'PROXY UNKNOWN\\r\\n' >&3; } && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
# SIGTERM drains: sockets closed with 1001, then the node leaves the cluster (stop_grace_period covers it).
ENTRYPOINT ["/app/entrypoint.sh"]
