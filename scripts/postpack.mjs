#!/usr/bin/env node
// After `npm pack` / `npm publish` packed the tarball: the repository's package.json again.
import { restoreManifest } from './publish-manifest.mjs';

restoreManifest();
