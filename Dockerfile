# Godwit: one image for every process — `start` (all in one), `api` and `worker`.
FROM node:20-bookworm-slim
WORKDIR /app
# better-sqlite3 builds its native module when no prebuilt one fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci && npm cache clean --force
ENV HOST=0.0.0.0 PORT=8080 GODWIT_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/godwit.mjs"]
CMD ["start"]
