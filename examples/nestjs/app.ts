/**
 * The example's Nest application: `createChatApp(upstream)` builds it; run this file to serve it
 * (`OPENAI_BASE_URL=http://127.0.0.1:8787/v1 npx ts-node examples/nestjs/app.ts`, then open
 * http://127.0.0.1:3000/chat?input=hi).
 */
import 'reflect-metadata';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { StreamResponseOptions } from 'responses-rx/http';
import { ChatController, UPSTREAM } from './chat.controller';

/** Builds the Nest application relaying `upstream` (not listening yet). */
export async function createChatApp(upstream: StreamResponseOptions): Promise<INestApplication> {
  @Module({ controllers: [ChatController], providers: [{ provide: UPSTREAM, useValue: upstream }] })
  class ChatModule {}
  return NestFactory.create(ChatModule, { logger: false });
}

if (require.main === module) {
  void createChatApp({}).then((app) => app.listen(Number(process.env['PORT'] ?? 3000), '127.0.0.1'));
}
