// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages that must not be bundled: the PGlite wasm build, pg, Prisma's runtime,
  // tfjs' wasm backend (loads .wasm files from its own folder at run time).
  serverExternalPackages: [
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/client',
    '@prisma/adapter-pg',
    '@prisma/schema-engine-wasm',
    '@prisma/driver-adapter-utils',
    'pg',
    'ioredis',
  ],
}

export default nextConfig
