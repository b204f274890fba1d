import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap() {
  // rawBody: the notification endpoint checks the provider's signature over the exact bytes.
  const app = await NestFactory.create(AppModule, { rawBody: true });
  await app.listen(process.env.PORT ?? 3000);
  console.log(`Listening on ${await app.getUrl()}`);
}
await bootstrap();
