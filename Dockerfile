# Rewind: bot, worker and the local console in one Node.js process (npm start).
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first so source edits reuse this layer. @swc-node/register (used by npm start to
# run TypeScript directly) is a production dependency, so --omit=dev is enough.
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .
RUN chown node:node /app
USER node

EXPOSE 3000
CMD ["npm", "start"]
