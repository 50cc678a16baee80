// Every diagram in assets/diagrams/, both variants, imported as text so esbuild bundles them
// (loader '.txt': 'text' in scripts/build.mjs; tests use the plugin in vitest.config.ts).
// A ```diagram block names an entry of DIAGRAM_SOURCES; test/content checks this list against the
// directory, so add both files and a line here together.

import type { DiagramArt } from './parse.js';

import crossNodePathUnicode from '../../assets/diagrams/cross-node-path.unicode.txt';
import crossNodePathAscii from '../../assets/diagrams/cross-node-path.ascii.txt';
import flannelLookupsUnicode from '../../assets/diagrams/flannel-lookups.unicode.txt';
import flannelLookupsAscii from '../../assets/diagrams/flannel-lookups.ascii.txt';
import netfilterHooksUnicode from '../../assets/diagrams/netfilter-hooks.unicode.txt';
import netfilterHooksAscii from '../../assets/diagrams/netfilter-hooks.ascii.txt';
import nodeStackUnicode from '../../assets/diagrams/node-stack.unicode.txt';
import nodeStackAscii from '../../assets/diagrams/node-stack.ascii.txt';
import overviewUnicode from '../../assets/diagrams/overview.unicode.txt';
import overviewAscii from '../../assets/diagrams/overview.ascii.txt';
import packetFlowUnicode from '../../assets/diagrams/packet-flow.unicode.txt';
import packetFlowAscii from '../../assets/diagrams/packet-flow.ascii.txt';
import packetJourneyUnicode from '../../assets/diagrams/packet-journey.unicode.txt';
import packetJourneyAscii from '../../assets/diagrams/packet-journey.ascii.txt';
import planesUnicode from '../../assets/diagrams/planes.unicode.txt';
import planesAscii from '../../assets/diagrams/planes.ascii.txt';
import podIpPathsUnicode from '../../assets/diagrams/pod-ip-paths.unicode.txt';
import podIpPathsAscii from '../../assets/diagrams/pod-ip-paths.ascii.txt';
import syncWatchUnicode from '../../assets/diagrams/sync-watch.unicode.txt';
import syncWatchAscii from '../../assets/diagrams/sync-watch.ascii.txt';
import vxlanPacketUnicode from '../../assets/diagrams/vxlan-packet.unicode.txt';
import vxlanPacketAscii from '../../assets/diagrams/vxlan-packet.ascii.txt';

export const DIAGRAM_SOURCES: Readonly<Record<string, DiagramArt>> = {
  'cross-node-path': { unicode: crossNodePathUnicode, ascii: crossNodePathAscii },
  'flannel-lookups': { unicode: flannelLookupsUnicode, ascii: flannelLookupsAscii },
  'netfilter-hooks': { unicode: netfilterHooksUnicode, ascii: netfilterHooksAscii },
  'node-stack': { unicode: nodeStackUnicode, ascii: nodeStackAscii },
  'overview': { unicode: overviewUnicode, ascii: overviewAscii },
  'packet-flow': { unicode: packetFlowUnicode, ascii: packetFlowAscii },
  'packet-journey': { unicode: packetJourneyUnicode, ascii: packetJourneyAscii },
  'planes': { unicode: planesUnicode, ascii: planesAscii },
  'pod-ip-paths': { unicode: podIpPathsUnicode, ascii: podIpPathsAscii },
  'sync-watch': { unicode: syncWatchUnicode, ascii: syncWatchAscii },
  'vxlan-packet': { unicode: vxlanPacketUnicode, ascii: vxlanPacketAscii },
};
