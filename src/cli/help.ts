import { VERSION } from '../version.js';

export const HELP = `kube-packet-tour ${VERSION}: follow a packet between Kubernetes pods, hop by hop.

Usage:
  kube-packet-tour                      the interactive tour (lessons, simulator)
  kube-packet-tour lessons              list the lessons
  kube-packet-tour lesson <n>           open lesson n (1-10; 11 is the bonus lesson)
  kube-packet-tour trace [options]      print a packet's journey: DNS, request, reply
  kube-packet-tour rules [options]      print the iptables rules kube-proxy and the CNI (Flannel,
                                        Calico's Felix) program; with Calico also the node's ip route
  kube-packet-tour lab verify|up|down   Linux + root: build the cluster from real network namespaces,
                                        veths, bridges, VXLAN and iptables, and check the simulator
                                        against the kernel (verify), leave it running (up), remove it (down)
  kube-packet-tour quiz [options]       a practice quiz on a random cluster (answers from stdin when piped)
  kube-packet-tour progress [options]   what you have done: lessons, predictions, quizzes

Trace options:
  --from POD                 client pod: NAME (namespace default) or NAMESPACE/NAME; node/NAME for
                             a host-network client; external[/IP] for a client outside the
                             cluster on the nodes' network  [pod-a]
  --to NAME|IP[:PORT]        a Service name, a ClusterIP or a pod IP  [myapp.default.svc.cluster.local]
  --proto tcp|udp            [tcp]
  --scenario NAME            a named scenario: cross-node-clusterip, same-node-clusterip, pod-ip,
                             same-node-pod-ip, dns-lookup, hairpin, no-endpoints, nxdomain;
                             beyond the source text: nodeport-external, nodeport-local,
                             host-network-clusterip, session-affinity, headless,
                             internal-local; what goes wrong: no-br-netfilter,
                             wrong-targetport, networkpolicy-deny (Calico; calico-ipip unless
                             --cni says), nodeport-local-no-endpoint,
                             internal-local-no-endpoint, vxlan-mtu, stale-udp-conntrack
  --seed N                   draw kube-proxy's random endpoint choice (and ports) from seed N
  --endpoint IP              pin the endpoint instead of drawing it
  --resolver glibc|musl      the client's stub resolver  [glibc]
  --compare cni              the same request over flannel-vxlan and flannel-host-gw, hop
                             by hop, differences marked (built-in cluster); with --cni X,
                             flannel-vxlan against X; with --cni A,B, A against B
  --compare proxy-mode       the same request with kube-proxy in iptables and in ipvs mode,
                             hop by hop, differences marked
  --json                     the Trace as JSON (with --compare: both traces and the alignment)

Lab options:
  --scenario NAME[,NAME]     lab verify: only these scenarios (the source text's names above), or
                             the traffic beyond it, on the whole built-in cluster (web's pod and
                             Services, myapp-sticky, myapp-headless): host-network-clusterip (the
                             node's own namespace as client), nodeport-external, nodeport-local,
                             nodeport-local-no-endpoint (an outside client namespace on the lan
                             bridge), internal-local, internal-local-no-endpoint, session-affinity,
                             headless; "traffic" for all of those; alone, each on its own
                             cluster: networkpolicy-deny (with --cni calico-bgp or calico-vxlan),
                             vxlan-mtu (the lan bridge's ports at 1450, eth0 at 1500),
                             stale-udp-conntrack (the CoreDNS pod deleted halfway, the same UDP
                             socket again, then a new one)  [the source text's scenarios]

Rules options:
  --node NAME                whose rules  [the first node]
  --format save|restore      what iptables-save prints on the node, or what kube-proxy
                             feeds iptables-restore  [save]; with --proxy-mode ipvs, save
                             also prints ipvsadm -Ln, kube-ipvs0's addresses and ipset save

Quiz options:
  --lesson N                 only lesson N's topics  [all lessons]
  --count N                  number of questions, 1-50  [10]
  --seed CODE                the quiz's seed, a code such as BVPJ-0987 or a number: the same code
                             gives the same cluster and questions everywhere; an older code keeps
                             its own questions  [a fresh one]
  --quiz-format N            with a numeric --seed: the quiz format, 1 for a number handed out
                             before version 0.2.0  [2, the current]
  --exam                     one try each, no hints, the score at the end; --time 20m sets a limit
  --retry-missed 2,5         the questions 2 and 5 of the --seed quiz again, on a fresh variant
  --export FORMAT            print the quiz with its answer key: json, gift, moodle-xml, markdown
  --out FILE                 write the --export to FILE instead of stdout
  --results FILE             write the student's result (answers, times, score) as JSON

Progress options:
  --json                     as JSON
  --where                    print the progress file's path (KUBE_PACKET_TOUR_CONFIG_DIR moves it)
  --reset [LESSON]           clear one lesson's progress, or everything; needs --yes when not
                             on a terminal

Shared options:
  --cluster FILE             a real cluster: kubectl get nodes,pods,services,endpointslices,configmaps
                             -A -o yaml (or -o json)  [the built-in two-node cluster]; on Calico
                             also networkpolicies,ippools.crd.projectcalico.org
  --proxy-mode MODE          iptables or ipvs: kube-proxy's mode for trace, rules and lab  [the cluster's own:
                             iptables for the built-in one, the kube-proxy ConfigMap's for a dump];
                             ipvs refuses what it does not model yet (a host-network client, a stale
                             UDP flow, NetworkPolicy on Calico) with exit 2
  --cni flannel-vxlan        the CNI data plane for trace, rules and lab: flannel-vxlan,
                             flannel-host-gw, calico-bgp, calico-ipip or calico-vxlan
                             (bridge is not simulated yet); lab builds all but
                             calico-ipip (tunl0 needs the ipip module; Calico needs ipset)
  --plain                    print text, never start the interactive tour
  --no-color                 no colour (also NO_COLOR=1)
  --ascii                    ASCII instead of box drawing and arrows
  --screen-reader            a linear transcript for screen readers
  -h, --help                 this help
  -v, --version              the version

Exit codes: 0 success, 1 runtime failure (for lab verify: the kernel disagreed with the simulator),
2 usage or input error (for lab: not Linux, not root, or a tool missing).
`;
