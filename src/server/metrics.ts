/** Prometheus metrics (prom-client): HTTP requests by route and status, request durations, jobs, process. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ServerMetrics = {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  durations: Histogram<'method' | 'route'>;
  mediaBytes: Counter<'kind'>;
  jobs: Gauge<'kind' | 'state'>;
};

export const createMetrics = (): ServerMetrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'reprise_' });
  return {
    registry,
    requests: new Counter({ name: 'reprise_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    durations: new Histogram({
      name: 'reprise_http_request_duration_seconds',
      help: 'Time to the end of the response, by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    mediaBytes: new Counter({ name: 'reprise_media_bytes_total', help: 'Bytes of media responses by file kind', labelNames: ['kind'], registers: [registry] }),
    jobs: new Gauge({ name: 'reprise_jobs', help: 'Jobs in the catalog by kind and state', labelNames: ['kind', 'state'], registers: [registry] }),
  };
};
