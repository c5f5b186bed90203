// Prisma CLI configuration. The CLI is only used for `prisma generate` here; migrations run through
// src/db/migrator.ts (Prisma's WebAssembly schema engine), which needs no downloaded binary.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/unused' },
});
