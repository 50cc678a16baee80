import { VERSION } from './version.js';
process.stdout.write(`kube-packet-tour ${VERSION}\n`);
