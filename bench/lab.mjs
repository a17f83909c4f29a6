#!/usr/bin/env node
// Starts N simulated devices in one process and prints the start time and RSS.
// Goal (docs/performance.md): 1,000 devices in under 5 s with under 1 GB RSS.
// Run: node bench/lab.mjs [devices=1000]
import { Lab, isListening } from '../dist/lab/lab.js';

const n = Number(process.argv[2] ?? 1000);
const t0 = performance.now();
const lab = await Lab.start({ devices: n, speed: 100, imageSize: 256 * 1024 });
const startMs = performance.now() - t0;
const ssh = lab.iosxe.size;
const https = lab.panos.devices.size;
// Every server really accepts connections.
let listening = 0;
for (const d of lab.fleet) if (await isListening(lab.host, lab.endpoint(d.hostname).port)) listening++;
global.gc?.();
const rss = process.memoryUsage().rss / 1024 / 1024;
console.log(`devices: ${lab.fleet.length} (${ssh} SSH IOS-XE, ${https} HTTPS PAN-OS/Panorama), all listening: ${listening === lab.fleet.length}`);
console.log(`start: ${(startMs / 1000).toFixed(2)} s   goal < 5 s`);
console.log(`RSS:   ${rss.toFixed(0)} MB   goal < 1024 MB`);
await lab.stop();
