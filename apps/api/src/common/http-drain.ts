import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { AppConfig } from '@labkeys/config';

/** Time kept back from SHUTDOWN_TIMEOUT_MS for closing Redis and Postgres after the drain. */
const CLOSE_RESERVE_MS = 2000;
const IDLE_SWEEP_MS = 100;

/**
 * The first and second steps of the api's shutdown. Provided by the root module, whose onModuleDestroy
 * runs before every other module's: the listening socket closes first, so no request or stream starts
 * after the push hub has ended the open streams (its onModuleDestroy, next). Then, before the stores close
 * (their onApplicationShutdown, last), requests in flight finish: keep-alive sockets are closed as soon as
 * they are idle, and whatever is still open at SHUTDOWN_TIMEOUT_MS less a reserve is cut.
 */
@Injectable()
export class HttpDrain implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(HttpDrain.name);
  private server?: Server;
  private closed?: Promise<void>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  onModuleDestroy(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    this.server = server;
    this.closed = new Promise((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    this.logger.log('api stopping: no new connections, waiting for requests in flight');
  }

  async beforeApplicationShutdown(): Promise<void> {
    const { server, closed } = this;
    if (!server || !closed) return;
    const budget = Math.max(500, this.config.shutdownTimeoutMs - CLOSE_RESERVE_MS);
    const started = Date.now();
    // A keep-alive socket becomes idle when its last response is written; close it then, not at its timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), budget))),
    ]);
    clearInterval(sweep);
    clearTimeout(timer);
    if (!drained) {
      this.logger.warn({ budgetMs: budget }, 'requests still open at the shutdown bound; closing their connections');
      server.closeAllConnections();
    }
    this.logger.log({ ms: Date.now() - started, drained }, 'http server closed');
  }
}
