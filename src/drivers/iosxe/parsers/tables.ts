// The routing and neighbour tables the post-check compares, one module each.
export { parseRouteSummary, type RouteSummary } from './routes.js';
export { parseArp, type ArpTable } from './arp.js';
export { parseBgpSummary, type BgpSummary } from './bgp.js';
export { parseOspfNeighbors, type OspfNeighbors } from './ospf.js';
export { parseInterfaceBrief, type InterfaceBrief } from './interfaces.js';
