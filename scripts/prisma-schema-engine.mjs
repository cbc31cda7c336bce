#!/usr/bin/env node
// Executable that the prisma CLI spawns as its schema engine (PRISMA_SCHEMA_ENGINE_BINARY):
// registers tsx so that the TypeScript shim can run, then hands over to it.
import { register } from 'tsx/esm/api'

register()
await import('./schema-engine-shim.ts')
