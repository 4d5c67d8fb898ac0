import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENV_VARIABLES, envDocs, type EnvVariable } from '../../../src/config/env';

const ROOT = join(__dirname, '..', '..', '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string;
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };

function service(name: string): Service {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** Variables whose defaults (127.0.0.1, ./rewind.yml) are wrong inside the container, plus the Slack credentials. */
const REQUIRED_IN_COMPOSE: EnvVariable[] = ['DATABASE_URL', 'REDIS_URL', 'REWIND_CONFIG', 'PORT', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'];

describe('docker-compose.yml', () => {
  it('has postgres, redis and rewind', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'redis', 'rewind']);
    expect(service('postgres').image).toBe('postgres:15');
    expect(service('redis').image).toBe('redis:7');
    expect(service('rewind').build).toBe('.');
    expect(service('rewind').command).toBe('npm start');
  });

  it('health-checks every service', () => {
    expect(service('postgres').healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(service('redis').healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(service('rewind').healthcheck?.test.join(' ')).toContain('http://localhost:3000/healthz');
  });

  it('starts rewind only once its stores are healthy', () => {
    expect(service('rewind').depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('publishes the expected ports, 3000 matching the PORT default', () => {
    const portDefault = envDocs().find((doc) => doc.name === 'PORT')?.default;
    expect(service('rewind').ports).toEqual([`${portDefault}:${portDefault}`]);
    expect(service('rewind').environment?.PORT).toBe(portDefault);
    expect(service('postgres').ports).toEqual(['5432:5432']);
    expect(service('redis').ports).toEqual(['6379:6379']);
  });

  it('sets only variables Rewind knows, including the required ones', () => {
    const environment = service('rewind').environment ?? {};
    const known: readonly string[] = ENV_VARIABLES;
    for (const name of Object.keys(environment)) expect(known).toContain(name);
    for (const name of REQUIRED_IN_COMPOSE) expect(Object.keys(environment)).toContain(name);
  });

  it('points rewind at the compose services and the mounted config, and passes Slack secrets through', () => {
    const environment = service('rewind').environment ?? {};
    expect(new URL(environment.DATABASE_URL ?? '').hostname).toBe('postgres');
    expect(new URL(environment.REDIS_URL ?? '').hostname).toBe('redis');
    expect(environment.REWIND_CONFIG).toBe('/app/rewind.yml');
    expect(service('rewind').volumes).toContain('./rewind.yml:/app/rewind.yml:ro');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']) {
      expect(environment[name]).toMatch(new RegExp(`^\\$\\{${name}(:-)?\\}$`));
    }
  });

  it('has a Dockerfile on node 20 that runs npm start', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^CMD \["npm", "start"\]$/m);
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
  });
});
