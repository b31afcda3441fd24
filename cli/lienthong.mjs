#!/usr/bin/env node
// Runs the TypeScript CLI with tsx in this process, as the gateway itself runs in production
// (`node --import tsx`, npm start); one process, so Ctrl-C reaches the CLI's own handler.
import { register } from 'tsx/esm/api'

register()
await import('./lienthong.ts')
