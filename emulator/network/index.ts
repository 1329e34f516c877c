// The network layer's public API: the switch, its faults and capture, the questions asked of it, and the decoder.
export { Switch, type MacEntry, type SwitchEvents, type SwitchOptions } from './switch.ts';
export type { LinkState, PortCounters, SwitchPort } from './port.ts';
export { FaultSet, type ActiveFault, type FaultRule, type FaultVerdict, type PortPair } from './faults.ts';
export { CaptureRing, decodeRecord, type CaptureOptions, type CaptureRecord, type PortDrop } from './capture.ts';
export { countFrames, describeFilter, frameMatches, matchFrames, type FrameFilter, type FrameProto, type InnerProto } from './query.ts';
export { parsePcap, toPcap, type PcapFrame, type PcapRecord } from './pcap.ts';
export { decodeFrame, type DecodedFrame } from './packet/decode.ts';
export type { ArpPacket } from './packet/arp.ts';
export type { DnsAnswer, DnsMessage, DnsQuestion } from './packet/dns.ts';
export type { EspHeader } from './packet/esp.ts';
export type { EthernetHeader } from './packet/ethernet.ts';
export type { IcmpHeader } from './packet/icmp.ts';
export type { Ipv4Header } from './packet/ipv4.ts';
export type { TcpHeader } from './packet/tcp.ts';
export type { UdpHeader } from './packet/udp.ts';
export type { VxlanHeader } from './packet/vxlan.ts';
