import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { JOB_STATES, type Job } from './schemas.js';

/** Prometheus metrics: jobs by state, quarantined job folders, queue length, stage durations, HTTP requests. */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly stageSeconds: Histogram<'stage'>;
  readonly httpRequests: Counter<'method' | 'status'>;

  constructor(jobs: () => Job[], queueLength: () => number, quarantined: () => number = () => 0) {
    collectDefaultMetrics({ register: this.registry, prefix: 'kiln_' });
    new Gauge({
      name: 'kiln_jobs',
      help: 'Jobs in storage by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const all = jobs();
        for (const s of JOB_STATES) this.set({ state: s }, all.filter((j) => j.state === s).length);
      },
    });
    new Gauge({ name: 'kiln_jobs_quarantined', help: 'Job folders moved to <data>/quarantine/ because their job.json could not be read', registers: [this.registry], collect() { this.set(quarantined()); } });
    new Gauge({ name: 'kiln_queue_length', help: 'Jobs waiting for a worker', registers: [this.registry], collect() { this.set(queueLength()); } });
    this.stageSeconds = new Histogram({
      name: 'kiln_stage_duration_seconds',
      help: 'Seconds per generation stage',
      labelNames: ['stage'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
      registers: [this.registry],
    });
    this.httpRequests = new Counter({ name: 'kiln_http_requests_total', help: 'HTTP requests by method and status', labelNames: ['method', 'status'], registers: [this.registry] });
  }

  observeTimings(timings: Record<string, number>): void {
    for (const [stage, s] of Object.entries(timings)) if (stage !== 'total' && Number.isFinite(s)) this.stageSeconds.observe({ stage }, s);
  }
}
