FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-save --no-audit --no-fund
COPY . .
RUN bash scripts/prisma-generate.sh && npm run build && npm run build:web

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/web/dist ./apps/web/dist
COPY --from=build /app/prisma ./prisma
# Runs as the image's unprivileged `node` user (uid 1000); /data (the development key ring's volume) is its own,
# so a named volume mounted there starts owned by it.
RUN mkdir -p /data && chown node:node /data
USER node
CMD ["node", "dist/apps/api/src/main.js"]
